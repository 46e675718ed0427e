"""Profile one page or the vote endpoint in-process under production settings, by hand.

Needs pyinstrument (a dev tool, not in requirements.txt: `.venv/bin/pip install pyinstrument`)
and the database bench/load/run.sh prepares. Same environment as run.sh:

    DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/candor_bench_load REDIS_URL=redis://127.0.0.1:6379/0 \\
    PAGE_CACHE_SECONDS=0 DATABASE_CONN_MAX_AGE=600 .venv/bin/python bench/load/profile.py / [/p/some-product/ ...] [--vote] [-n 200]

--member signs the client in as prepare.py's bench member (bench_member) first, so the pages are
profiled as that member sees them (their votes, saves, follows and unread notifications).

Prints, per target, the SQL queries of one request and a pyinstrument profile of n requests;
with --cpu only the process CPU time per request, without the profiler's overhead. Cards come
from the card cache (reviews/cards.py) after the warm-up request; --cold-cards draws them all
each time (as the first request after a change would).

--vote measures the vote endpoint in five phases of n requests each, all on the hot review (the
one wrk's half of the traffic hits): n first votes (PUT), the same n voters changing their vote
(PUT), the same vote again (PUT), withdrawing it (DELETE) and withdrawing again (DELETE, no vote). Each phase prints statements per request and CPU per request
without the profiler: this process (Python) and its PostgreSQL backend (read from /proc, so the
database must run on this machine), then a pyinstrument profile of the first-vote phase. The bench
voters' earlier votes on the hot review are withdrawn first through reviews.services.vote_remove,
so every run starts from the same state and the counters stay exact.
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


def backend_cpu_seconds(pid: int) -> float:
    """utime + stime of a local process (a PostgreSQL backend), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_votes(n: int) -> None:
    from django.core.handlers.wsgi import WSGIHandler  # noqa: PLC0415
    from django.test import RequestFactory  # noqa: PLC0415

    from reviews.services import vote_remove  # noqa: PLC0415 - after django.setup()

    voters = list(
        Token.objects.filter(user__username__startswith="bench_voter_").select_related("user").order_by("user_id")[:n]
    )
    review = Review.objects.filter(status="published").order_by("-helpful_count", "id").first()
    url = f"/api/v1/reviews/{review.pk}/vote/"
    # The WSGI handler gunicorn calls, with request environments built before the clock starts.
    handler, factory = WSGIHandler(), RequestFactory(SERVER_NAME="127.0.0.1")

    def environ(token: Token, method: str, helpful: bool) -> dict:
        auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
        if method == "DELETE":
            return factory.delete(url, **auth).environ
        return factory.put(url, f'{{"helpful": {"true" if helpful else "false"}}}', "application/json", **auth).environ

    statuses: set[str] = set()

    def start_response(status, headers, exc_info=None):
        statuses.add(status.split()[0])

    def serve(env: dict) -> None:
        response = handler(env, start_response)
        b"".join(response)
        response.close()

    def withdraw_all() -> None:
        for token in voters:
            vote_remove(user=token.user, review=review)

    withdraw_all()
    phases = [
        ("PUT, first vote", "PUT", lambda i: i % 3 != 0),
        ("PUT, changed vote", "PUT", lambda i: i % 3 == 0),
        ("PUT, same vote again", "PUT", lambda i: i % 3 == 0),
        ("DELETE", "DELETE", lambda i: False),
        ("DELETE, no vote", "DELETE", lambda i: False),
    ]
    sample = max(1, min(20, len(voters) // 10))  # statements are counted on these, CPU on the rest
    print(f"=== votes on review {review.pk} by {len(voters)} bench voters (one request each per phase)")
    for name, method, helpful in phases:
        envs = [environ(token, method, helpful(i)) for i, token in enumerate(voters)]
        statuses.clear()
        with CaptureQueriesContext(connection) as queries:
            for env in envs[:sample]:
                serve(env)
        statements = len(queries) / sample  # now: the next requests empty the query log
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        cpu, db_cpu, wall = time.process_time(), backend_cpu_seconds(backend), time.perf_counter()
        for env in envs[sample:]:
            serve(env)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        db_cpu = backend_cpu_seconds(backend) - db_cpu
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            same = cursor.fetchone()[0] == backend
        k = len(envs) - sample
        print(
            f"{name:22} status {','.join(sorted(statuses))}  {statements:4.1f} statements"
            f"  Python CPU {1000 * cpu / k:.2f} ms  PostgreSQL CPU "
            + (f"{1000 * db_cpu / k:.2f} ms" if same else "n/a (connection replaced)")
            + f"  wall {1000 * wall / k:.2f} ms  (per request)"
        )
    print("Statements of one first vote, then of its withdrawal:")
    for method in ("PUT", "DELETE"):
        env = environ(voters[0], method, True)
        with CaptureQueriesContext(connection) as queries:
            serve(env)
        for query in queries.captured_queries:
            print(f"  {query['time']}s  {query['sql'][:200]}")
    envs = [environ(token, "PUT", True) for token in voters]
    profiler = Profiler(interval=0.0005)
    with profiler:
        for env in envs:
            serve(env)
    withdraw_all()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


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
    parser.add_argument("--member", action="store_true", help="signed in as prepare.py's bench member")
    args = parser.parse_args()
    client = Client(SERVER_NAME="127.0.0.1")
    if args.member:
        from accounts.models import User  # noqa: PLC0415

        client.force_login(User.objects.get(username="bench_member"))
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
        measure_votes(args.n)
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
