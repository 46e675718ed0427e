"""Profile one page or the vote endpoint in-process under production settings, by hand.

Needs pyinstrument (a dev tool, not in requirements.txt: `.venv/bin/pip install pyinstrument`)
and the database bench/load/run.sh prepares. Same environment as run.sh:

    DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/candor_bench_load REDIS_URL=redis://127.0.0.1:6379/0 \\
    PAGE_CACHE_SECONDS=0 .venv/bin/python bench/load/profile.py / [/p/some-product/ ...] [--vote] [-n 200]

Prints, per target, the SQL queries of one request and a pyinstrument profile of n requests;
with --cpu only the process CPU time per request, without the profiler's overhead. Cards come
from the card cache (reviews/cards.py) after the warm-up request; --cold-cards draws them all
each time (as the first request after a change would).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from reviews.models import Review  # noqa: E402


def vote_requests():
    tokens = list(Token.objects.filter(user__username__startswith="bench_voter_").values_list("key", flat=True))
    review = Review.objects.filter(status="published").order_by("-helpful_count", "id").first()
    index = 0

    def one(client: Client):
        nonlocal index
        index += 1
        return client.put(
            f"/api/v1/reviews/{review.pk}/vote/",
            {"helpful": index % 3 != 0},
            content_type="application/json",
            headers={"Authorization": f"Token {tokens[index % len(tokens)]}"},
        )

    return one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--vote", action="store_true")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument(
        "--cold-cards",
        action="store_true",
        help="start a new card generation before each request (reviews/cards.py): every card is drawn",
    )
    parser.add_argument(
        "--cpu", action="store_true", help="only the process CPU time per request, without the profiler's overhead"
    )
    args = parser.parse_args()
    client = Client(SERVER_NAME="127.0.0.1")
    if args.cold_cards:
        from reviews import cards

        def get(c, url):
            cards.invalidate()
            return c.get(url)
    else:

        def get(c, url):
            return c.get(url)

    targets = [(url, lambda c, url=url: get(c, url)) for url in args.urls]
    if args.vote:
        targets.append(("PUT vote", vote_requests()))
    for name, call in targets:
        call(client)  # warm up
        with CaptureQueriesContext(connection) as queries:
            status = call(client).status_code
        print(f"=== {name}: status {status}, {len(queries)} queries")
        for query in queries.captured_queries:
            print(f"  {query['time']}s  {query['sql'][:160]}")
        if args.cpu:
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(args.n):
                call(client)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"{args.n} requests: {1000 * cpu / args.n:.2f} ms CPU, {1000 * wall / args.n:.2f} ms wall each")
            continue
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with profiler:
            for _ in range(args.n):
                call(client)
        elapsed = time.perf_counter() - started
        print(f"{args.n} requests in {elapsed:.2f}s: {1000 * elapsed / args.n:.1f} ms each")
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
