"""For You speed at the generated size: first page p50/p99 for signed-in people and the refresh
job for every active person, with the Discover first page timed in the same minutes as the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/foryou/speed.py --people 500 --reviews 5000 --wipe

Builds the community of evaluate.py (same options and seed; the database is WIPED), then per
round: the refresh job with every list stale (all --people active), and --pages first pages of
randomly chosen people, For You (foryou.services.feed_page, what the API serves, cards loaded)
interleaved with Discover (ranking.selectors.discover_feed, 20 cards loaded). In-process: no
HTTP, no middleware; the ratio to Discover is the figure to read.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate as E  # noqa: E402  (sets up Django)
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from foryou import services as foryou  # noqa: E402
from foryou.models import CandidateList  # noqa: E402
from ranking.selectors import discover_feed  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--categories", type=int, default=12)
    parser.add_argument("--engagement", type=float, default=30.0)
    parser.add_argument("--holdout", type=float, default=0.0)
    parser.add_argument("--chose-share", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=300, help="first pages of each kind per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wipe", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    now = timezone.now().replace(microsecond=0)
    world, timings = E.fresh_world(args, now)
    print(f"{connection.vendor}: {world.counts} {timings}; load {os.getloadavg()[0]:.2f}", flush=True)
    users = User.objects.in_bulk(world.people)
    rng = random.Random(f"{args.seed}:speed")
    rounds = []
    for n in range(args.rounds):
        CandidateList.objects.all().delete()
        began = time.monotonic()
        result = foryou.refresh(now=now, limit=10**6, budget=10**6)
        refresh_s = time.monotonic() - began
        mine, floor = [], []
        for _ in range(args.pages):
            user = users[rng.choice(world.people)]
            t = time.monotonic()
            page = foryou.feed_page(user=user, now=now)
            mine.append((time.monotonic() - t) * 1000)
            assert page.reviews, "an empty For You page"
            t = time.monotonic()
            cards = list(discover_feed(user)[:20])
            floor.append((time.monotonic() - t) * 1000)
            assert cards
        row = {
            "refresh_s": refresh_s,
            "lists": result.people,
            "fy50": percentile(mine, 0.5),
            "fy99": percentile(mine, 0.99),
            "d50": percentile(floor, 0.5),
            "d99": percentile(floor, 0.99),
            "load": os.getloadavg()[0],
        }
        rounds.append(row)
        print(
            f"round {n + 1}: refresh {row['lists']} lists {refresh_s:.1f} s; For You p50 {row['fy50']:.1f} ms "
            f"p99 {row['fy99']:.1f} ms; Discover p50 {row['d50']:.1f} ms p99 {row['d99']:.1f} ms; "
            f"load {row['load']:.2f}",
            flush=True,
        )

    def mmm(key: str) -> str:
        values = [r[key] for r in rounds]
        return f"{min(values):.1f}/{statistics.median(values):.1f}/{max(values):.1f}"

    ratio = [r["fy50"] / r["d50"] for r in rounds]
    print(
        f"min/median/max over {args.rounds} rounds: refresh {mmm('refresh_s')} s for {args.people} people; "
        f"For You p50 {mmm('fy50')} ms, p99 {mmm('fy99')} ms; Discover p50 {mmm('d50')} ms, p99 {mmm('d99')} ms; "
        f"p50 ratio For You/Discover {statistics.median(ratio):.2f}"
    )


if __name__ == "__main__":
    main()
