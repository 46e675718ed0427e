"""Votes through the services, one after another: the cost of the vote path itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h2 .venv/bin/python bench/votes/run.py --votes 2000

Migrates the database of DATABASE_URL, adds (once) the reviews and voters it needs under the
prefix "bv", then per repeat: N first votes through reviews.services.vote_cast (half of them on
one hot review, the rest spread over 50 reviews of 10 authors), the same N votes changed, the
same N votes repeated unchanged, then N withdrawals through vote_remove; and the API's pair
(vote_put, vote_delete) over the same voters. Prints min/median/max of each phase over the
repeats, in microseconds per vote, with the load average (`uptime`) before and after: the
machine is shared, so compare runs taken close together.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
# Test settings: a fast password hasher and eager tasks; nothing here is served.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from reviews.models import Brand, Category, HelpfulVote, Product, Review, VoteTally  # noqa: E402
from reviews.services import vote_cast, vote_delete, vote_put, vote_remove  # noqa: E402

PREFIX = "bv"


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def fixtures(n_voters: int) -> tuple[list[Review], list[User]]:
    category, _ = Category.objects.get_or_create(slug=f"{PREFIX}-cat", defaults={"name": "Bench"})
    brand, _ = Brand.objects.get_or_create(slug=f"{PREFIX}-brand", defaults={"name": "Bench brand"})
    product, _ = Product.objects.get_or_create(
        slug=f"{PREFIX}-product", defaults={"brand": brand, "category": category, "name": "Bench product"}
    )
    authors = [
        User.objects.get_or_create(username=f"{PREFIX}a{i}", defaults={"email": f"{PREFIX}a{i}@example.com"})[0]
        for i in range(10)
    ]
    reviews = []
    for i in range(50):
        author = authors[i % 10]
        # One review per author and product: each review gets its own product.
        item, _ = Product.objects.get_or_create(
            slug=f"{PREFIX}-product-{i}", defaults={"brand": brand, "category": category, "name": f"Bench {i}"}
        )
        review, _ = Review.objects.get_or_create(
            author=author, product=item, defaults={"rating": 4, "title": f"Bench {i}", "body": "Bench review."}
        )
        reviews.append(review)
    existing = set(User.objects.filter(username__startswith=f"{PREFIX}v").values_list("username", flat=True))
    for i in range(n_voters):  # save() keeps each username's key; once per database
        if f"{PREFIX}v{i}" not in existing:
            User(username=f"{PREFIX}v{i}", email=f"{PREFIX}v{i}@example.com").save()
    voters = list(User.objects.filter(username__startswith=f"{PREFIX}v").order_by("id")[:n_voters])
    del product
    return reviews, voters


def clear(reviews: list[Review]) -> None:
    HelpfulVote.objects.filter(review__in=reviews).delete()
    VoteTally.objects.filter(author__username__startswith=f"{PREFIX}a").delete()
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(helpful_count=0, not_helpful_count=0)


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--votes", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    reviews, voters = fixtures(args.votes)
    hot, spread = reviews[0], reviews[1:]
    plan = [(v, hot if i % 2 == 0 else spread[i % len(spread)]) for i, v in enumerate(voters)]
    phases: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        phases.setdefault(name, []).append(seconds / len(plan) * 1e6)

    print(f"{connection.vendor}, {len(plan)} votes x {args.repeats} repeats")
    print("before:", load_average())
    for _repeat in range(args.repeats):
        clear(reviews)
        record("vote_cast, first vote", timed(lambda: [vote_cast(user=v, review=r, helpful=True) for v, r in plan]))
        record("vote_cast, changed", timed(lambda: [vote_cast(user=v, review=r, helpful=False) for v, r in plan]))
        record("vote_cast, same again", timed(lambda: [vote_cast(user=v, review=r, helpful=False) for v, r in plan]))
        record("vote_remove", timed(lambda: [vote_remove(user=v, review=r) for v, r in plan]))
        record("vote_put, first vote", timed(lambda: [vote_put(user=v, review_id=r.pk, helpful=True) for v, r in plan]))
        record("vote_put, changed", timed(lambda: [vote_put(user=v, review_id=r.pk, helpful=False) for v, r in plan]))
        record("vote_delete", timed(lambda: [vote_delete(user=v, review_id=r.pk) for v, r in plan]))
    print("after: ", load_average())
    hot.refresh_from_db()
    assert (hot.helpful_count, hot.not_helpful_count) == (0, 0), "counters must be back to zero"
    print("| phase | min µs/vote | median | max |")
    print("|---|---|---|---|")
    for name, values in phases.items():
        print(f"| {name} | {min(values):.0f} | {statistics.median(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    main()
