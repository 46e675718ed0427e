"""Member and visitor page times in-process (Django test client), by hand, on the database
bench/load/run.sh prepares (or any seeded one: migrate, seed_demo, rerank --full). For a machine
too busy for wrk: the process CPU per request is steadier than wall time under load.

    DJANGO_SECRET_KEY=x DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/candor_bench_load REDIS_URL=redis://127.0.0.1:6379/0 \\
    PAGE_CACHE_SECONDS=0 DATABASE_CONN_MAX_AGE=600 .venv/bin/python bench/pages/run.py [-n 200] [-r 5] \\
    [--pages discover,product] [--readers visitor]

For Discover, a product page and a review page, as a visitor and as a signed-in member (a
moderator, a brand member and a consumer with follows and saves): SQL statements per request,
then `r` repeats of `n` requests each (cards warm, page cache off), printing min / median / max
of the per-request wall and CPU time over the repeats, and the load average.
"""

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import MODERATORS_GROUP, Follow, User  # noqa: E402
from reviews.models import Review, Save  # noqa: E402


def members() -> dict[str, User | None]:
    """A visitor and one member of each kind (from the seeded demo data)."""
    moderator = User.objects.filter(groups__name=MODERATORS_GROUP, is_superuser=False).first()
    if moderator is None:
        moderator = User.objects.create(username="bench_moderator", password="!")
        moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    brand = User.objects.filter(brand_membership__isnull=False).first()
    consumer = (
        User.objects.filter(brand_membership__isnull=True, is_superuser=False)
        .exclude(groups__name=MODERATORS_GROUP)
        .filter(pk__in=Follow.objects.values("follower"))
        .filter(pk__in=Save.objects.values("user"))
        .first()
    )
    # bench/load/prepare.py's member (votes, saves, follows, unread notifications), if prepared.
    member = User.objects.filter(username="bench_member").first()
    readers = {"visitor": None, "moderator": moderator, "brand member": brand, "consumer": consumer}
    return readers | ({"member": member} if member else {})


def client_for(user: User | None) -> Client:
    client = Client(SERVER_NAME="testserver")
    if user is not None:
        client.force_login(user)
    return client


def measure(client: Client, url: str, n: int, repeats: int) -> tuple[int, list[float], list[float]]:
    for _ in range(5):
        assert client.get(url).status_code == 200  # warm: templates, cards, connection
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for alias in connections:  # production settings may route reads to a replica
            stack.enter_context(connections[alias].execute_wrapper(count))
        client.get(url)
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            client.get(url)
        walls.append(1000 * (time.perf_counter() - wall) / n)
        cpus.append(1000 * (time.process_time() - cpu) / n)
    return len(statements), walls, cpus


def spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100, help="requests per repeat")
    parser.add_argument("-r", type=int, default=5, help="repeats")
    parser.add_argument("--pages", default="discover,product,review", help="comma-separated subset")
    parser.add_argument(
        "--readers", default="visitor,moderator,brand member,consumer,member", help="comma-separated subset"
    )
    args = parser.parse_args()
    wanted_pages, wanted_readers = args.pages.split(","), args.readers.split(",")
    review = Review.objects.filter(status=Review.Status.PUBLISHED).order_by("-helpful_count", "id").first()
    pages = {"discover": "/", "product": review.product.get_absolute_url(), "review": f"/r/{review.pk}/"}
    print(f"load average before: {os.getloadavg()}")
    print(f"{args.r} repeats of {args.n} requests; ms per request, min / median / max over the repeats")
    print("| page | reader | SQL | wall ms | CPU ms |")
    print("|---|---|---|---|---|")
    readers = {name: user for name, user in members().items() if name in wanted_readers}
    for page, url in pages.items():
        if page not in wanted_pages:
            continue
        for name, user in readers.items():
            count, walls, cpus = measure(client_for(user), url, args.n, args.r)
            print(f"| {page} | {name} | {count} | {spread(walls)} | {spread(cpus)} |", flush=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
