"""For You at scale (issue 27, "How it runs"): the refresh job for every active person, the first
page against Discover in the same minutes, and the memory an active person costs, on the
benchmark database bench/generate.py filled (users, reviews, votes; ranked by `rerank --full`).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench_foryou
    .venv/bin/python bench/foryou/scale.py fill --active 10000    # once: saves, follows, interests
    .venv/bin/python bench/foryou/scale.py run --rounds 3 --pages 300
    .venv/bin/python bench/foryou/scale.py tokens OUT_DIR --people 200   # API tokens for wrk

`fill` (PostgreSQL, set-based SQL, seeded; refuses a database whose name lacks "bench"; replaces
what it added before): saves for a share of all helpful votes (every person's, so co-engagement
has engagers' saves to count), --active people who opened For You in the last week (random among
active accounts with votes), each following the authors they found helpful most often (up to
--follows) and, for --chose-share of them, interested in the two categories they voted in most.

`neighbours`: builds (timed) the co-engaged neighbours of every active person's seeds, in a few
processes, so `run --keep-neighbours` measures the job as it runs once they exist.

`run`: round 1 starts with no lists and no co-engagement rows (the job's first run after a
deploy: every neighbour built), later rounds with no lists but the neighbours kept (the job with
every list due at once); each round then times --pages first pages of random active people
(foryou.services.feed_page, cards loaded) interleaved with Discover's 20 cards
(ranking.selectors.discover_feed) as the floor, and a few under tracemalloc for the request's
memory. Stored bytes per active person come from pg_total_relation_size.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from foryou import selectors as foryou_selectors  # noqa: E402
from foryou import services as foryou  # noqa: E402
from foryou.models import CandidateList, CoEngagement, FeedState, TopicPool  # noqa: E402
from ranking.selectors import discover_feed  # noqa: E402

STORED = ("foryou_candidatelist", "foryou_feedstate", "foryou_coengagement", "foryou_topicpool")


def sql(statement: str, params: dict | None = None) -> int:
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        rows = cursor.rowcount
    print(
        f"  {statement.split()[0].lower()} {statement.split()[2] if len(statement.split()) > 2 else ''}: "
        f"{rows:,} rows {time.monotonic() - began:.1f} s",
        flush=True,
    )
    return rows


def fill(args) -> None:
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"refusing: {name} is not a PostgreSQL benchmark database")
    sql(
        f"TRUNCATE {', '.join(STORED)}, foryou_firstchance, foryou_showless, foryou_taginterest, "
        "reviews_save, accounts_follow, reviews_category_interested_users"
    )
    sql("SELECT setseed(%(seed)s)", {"seed": args.seed})
    sql(
        """INSERT INTO reviews_save (user_id, review_id, created_at)
           SELECT user_id, review_id, created_at + interval '1 minute' FROM reviews_helpfulvote
           WHERE helpful AND random() < %(share)s""",
        {"share": args.save_share},
    )
    sql(
        """INSERT INTO foryou_feedstate (user_id, seen, session, served, last_visit_at, onboarded_at)
           SELECT u.id, '[]', '', '[]', now() - random() * interval '7 days', now() - interval '30 days'
           FROM accounts_user u
           WHERE u.is_active AND (u.suspended_until IS NULL OR u.suspended_until < now())
             AND EXISTS (SELECT 1 FROM reviews_helpfulvote v WHERE v.user_id = u.id)
           ORDER BY md5(u.id::text || %(seed)s::text) LIMIT %(active)s""",
        {"seed": args.seed, "active": args.active},
    )
    sql(
        """INSERT INTO accounts_follow (follower_id, followee_id, created_at)
           SELECT user_id, author_id, now() - interval '20 days' FROM (
               SELECT v.user_id, r.author_id, ROW_NUMBER() OVER (
                   PARTITION BY v.user_id ORDER BY COUNT(*) DESC, md5(r.author_id::text)) AS rank
               FROM reviews_helpfulvote v
               JOIN foryou_feedstate f ON f.user_id = v.user_id
               JOIN reviews_review r ON r.id = v.review_id
               WHERE v.helpful AND r.author_id <> v.user_id
               GROUP BY v.user_id, r.author_id
           ) liked WHERE rank <= %(follows)s""",
        {"follows": args.follows},
    )
    sql(
        """INSERT INTO reviews_category_interested_users (user_id, category_id)
           SELECT user_id, category_id FROM (
               SELECT v.user_id, p.category_id,
                      ROW_NUMBER() OVER (PARTITION BY v.user_id ORDER BY COUNT(*) DESC, p.category_id) AS rank
               FROM reviews_helpfulvote v
               JOIN foryou_feedstate f ON f.user_id = v.user_id
               JOIN reviews_review r ON r.id = v.review_id
               JOIN reviews_product p ON p.id = r.product_id
               WHERE v.helpful AND md5(v.user_id::text || 'chose') < %(cut)s
               GROUP BY v.user_id, p.category_id
           ) liked WHERE rank <= 2""",
        {"cut": format(int(args.chose_share * 16**4), "04x")},
    )
    for table in ("reviews_save", "accounts_follow", "reviews_category_interested_users", "foryou_feedstate"):
        sql(f"VACUUM ANALYZE {table}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def stored_bytes() -> dict[str, float]:
    out = {}
    with connection.cursor() as cursor:
        for table in STORED:
            cursor.execute(f"SELECT pg_total_relation_size('{table}'), (SELECT COUNT(*) FROM {table})")  # noqa: S608  # nosec B608
            size, rows = cursor.fetchone()
            out[table] = (size, rows)
    return out


def mmm(values: list[float], digits: int = 1) -> str:
    return "/".join(f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values)))


TICK = os.sysconf("SC_CLK_TCK")


class Cpu:
    """CPU seconds used by this process and by its PostgreSQL backend (same machine): the work a
    step costs, which the shared machine's load inflates far less than wall time."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]

    def now(self) -> float:
        fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        return time.process_time() + (int(fields[11]) + int(fields[12])) / TICK


def run(args) -> None:
    logging.disable(logging.INFO)
    now = timezone.now()
    active = list(FeedState.objects.order_by("user_id").values_list("user_id", flat=True))
    users = User.objects.in_bulk(active)
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {len(active):,} active people, "
        f"{User.objects.count():,} users; load {os.getloadavg()}",
        flush=True,
    )
    rng = random.Random(f"{args.seed}:scale")
    cpu = Cpu()
    rounds = []
    for n in range(args.rounds):
        CandidateList.objects.all().delete()
        if n == 0 and not args.keep_neighbours:
            CoEngagement.objects.all().delete()
            TopicPool.objects.all().delete()
        load_before = os.getloadavg()[0]
        began, cpu0 = time.monotonic(), cpu.now()
        pools = foryou.pools_refresh(now=now, force=True)
        pools_s, pools_cpu = time.monotonic() - began, cpu.now() - cpu0
        result = foryou.refresh(now=now, limit=10**6, budget=10**6)
        refresh_s, refresh_cpu = time.monotonic() - began, cpu.now() - cpu0
        row = {
            "pools_s": pools_s,
            "pools_cpu": pools_cpu,
            "refresh_s": refresh_s,
            "refresh_cpu": refresh_cpu,
            "lists": result.people,
            "neighbours": CoEngagement.objects.count(),
        }
        print(
            f"round {n + 1}: {pools} pools {pools_s:.1f} s ({pools_cpu:.1f} s CPU); job {result.people:,} lists "
            f"{refresh_s:.1f} s wall, {refresh_cpu:.1f} s CPU (this process + its PostgreSQL backend), "
            f"{row['neighbours']:,} neighbour rows; load {load_before:.2f} -> {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        mine, floor, mine_cpu, floor_cpu = [], [], 0.0, 0.0
        for _ in range(args.pages):
            user = users[rng.choice(active)]
            c, t = cpu.now(), time.monotonic()
            page = foryou.feed_page(user=user, now=now)
            mine.append((time.monotonic() - t) * 1000)
            mine_cpu += cpu.now() - c
            if not page.reviews:
                sys.exit(f"an empty For You page for {user.pk}")
            c, t = cpu.now(), time.monotonic()
            cards = list(discover_feed(user)[:20])
            floor.append((time.monotonic() - t) * 1000)
            floor_cpu += cpu.now() - c
            if not cards:
                sys.exit("an empty Discover page")
        row.update(
            fy50=percentile(mine, 0.5),
            fy99=percentile(mine, 0.99),
            d50=percentile(floor, 0.5),
            d99=percentile(floor, 0.99),
            fy_cpu=mine_cpu / args.pages * 1000,
            d_cpu=floor_cpu / args.pages * 1000,
            load=os.getloadavg()[0],
        )
        rounds.append(row)
        print(
            f"  pages: For You p50 {row['fy50']:.1f} p99 {row['fy99']:.1f} ms, CPU {row['fy_cpu']:.1f} ms a page; "
            f"Discover p50 {row['d50']:.1f} p99 {row['d99']:.1f} ms, CPU {row['d_cpu']:.1f} ms "
            f"({args.pages} each, interleaved); load {row['load']:.2f}",
            flush=True,
        )
    peaks = []
    tracemalloc.start()
    for _ in range(20):
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        foryou.feed_page(user=users[rng.choice(active)], now=now)
        peaks.append(tracemalloc.get_traced_memory()[1] - base)
    tracemalloc.stop()
    pool_items = sum(len(items) for _, items in foryou_selectors._pools_seen.values())
    sizes = stored_bytes()
    print(f"\nmin/median/max over {args.rounds} rounds (round 1 builds every neighbour unless --keep-neighbours):")
    print(
        f"  job, every list due: {mmm([r['refresh_s'] for r in rounds])} s wall, "
        f"{mmm([r['refresh_cpu'] for r in rounds])} s CPU (process + backend), for {rounds[0]['lists']:,} lists; "
        f"pools {mmm([r['pools_s'] for r in rounds])} s wall, {mmm([r['pools_cpu'] for r in rounds])} s CPU of it"
    )
    if len(rounds) > 1:
        warm = rounds[1:]
        print(
            f"  rounds 2-: {mmm([r['refresh_s'] for r in warm])} s wall, {mmm([r['refresh_cpu'] for r in warm])} s CPU"
        )
    print(
        f"  For You first page p50 {mmm([r['fy50'] for r in rounds])} ms, p99 {mmm([r['fy99'] for r in rounds])} ms; "
        f"Discover p50 {mmm([r['d50'] for r in rounds])} ms, p99 {mmm([r['d99'] for r in rounds])} ms; "
        f"p50 ratio {statistics.median(r['fy50'] / r['d50'] for r in rounds):.2f}, "
        f"p99 ratio {statistics.median(r['fy99'] / r['d99'] for r in rounds):.2f}"
    )
    fy_cpu, d_cpu = statistics.median(r["fy_cpu"] for r in rounds), statistics.median(r["d_cpu"] for r in rounds)
    print(
        f"  CPU a first page (process + backend): For You {mmm([r['fy_cpu'] for r in rounds])} ms, "
        f"Discover {mmm([r['d_cpu'] for r in rounds])} ms (ratio {fy_cpu / d_cpu:.2f}); 2 cores would serve at "
        f"most about {2000 / fy_cpu:.0f} For You pages/s (Discover {2000 / d_cpu:.0f}), before HTTP and serializing"
    )
    print(
        f"  request: Python memory allocated at peak during a first page {mmm([p / 1024 for p in peaks], 0)} KiB; "
        f"pools held by the process: {len(foryou_selectors._pools_seen)} pools, {pool_items:,} candidates; "
        f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    for table, (size, rows) in sizes.items():
        print(
            f"  {table}: {size / 2**20:.1f} MiB, {rows:,} rows, {size / max(rows, 1):,.0f} B a row, "
            f"{size / len(active):,.0f} B per active person"
        )
    total = sum(size for size, _ in sizes.values())
    print(f"  stored For You data per active person: {total / len(active):,.0f} B; load {os.getloadavg()}")


def _neighbours_part(part: list[int]) -> tuple[int, float]:
    connection.close()  # each process its own connection
    cpu = Cpu()
    began = cpu.now()
    now = timezone.now()
    seeds = foryou.seeds_of(part)
    wanted = {rid for person in part for rid in foryou._co_engagement_seeds(seeds[person])}
    foryou.neighbours(wanted, now=now)
    return len(wanted), cpu.now() - began


def neighbours(args) -> None:
    """Build the co-engaged neighbours every active person's list needs (what the job's first run
    after a deploy does, spread over runs by its budget), in --procs processes, timed."""
    from multiprocessing import get_context

    logging.disable(logging.INFO)
    active = list(FeedState.objects.order_by("user_id").values_list("user_id", flat=True))
    if args.people:
        active = active[: args.people]
    CoEngagement.objects.all().delete()
    parts = [active[i : i + 500] for i in range(0, len(active), 500)]
    connection.close()
    load, began = os.getloadavg()[0], time.monotonic()
    with get_context("fork").Pool(args.procs) as pool:
        done = pool.map(_neighbours_part, parts)
    wall = time.monotonic() - began
    seeds, cpu = sum(n for n, _ in done), sum(c for _, c in done)
    print(
        f"neighbours for {len(active):,} active people: {seeds:,} seed reviews (counted per chunk), "
        f"{CoEngagement.objects.count():,} rows, {wall:.1f} s wall in {args.procs} processes, {cpu:.1f} s CPU "
        f"(processes + backends), {cpu / max(seeds, 1) * 1000:.1f} ms CPU a seed; load {load:.2f} -> "
        f"{os.getloadavg()[0]:.2f}"
    )


def tokens(args) -> None:
    from rest_framework.authtoken.models import Token

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    people = list(FeedState.objects.order_by("?").values_list("user_id", flat=True)[: args.people])
    keys = [Token.objects.get_or_create(user_id=p)[0].key for p in people]
    (out / "tokens.txt").write_text("\n".join(keys) + "\n")
    print(f"{len(keys)} tokens in {out / 'tokens.txt'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fill")
    f.add_argument("--active", type=int, default=10000)
    f.add_argument("--save-share", type=float, default=0.1, help="share of helpful votes also saved")
    f.add_argument("--follows", type=int, default=20)
    f.add_argument("--chose-share", type=float, default=0.6)
    f.add_argument("--seed", type=float, default=0.27)
    r = sub.add_parser("run")
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--pages", type=int, default=300)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--keep-neighbours", action="store_true", help="round 1 too keeps the neighbour rows")
    nb = sub.add_parser("neighbours")
    nb.add_argument("--procs", type=int, default=2)
    nb.add_argument("--people", type=int, default=0, help="only the first N active people (0: all)")
    t = sub.add_parser("tokens")
    t.add_argument("out")
    t.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    {"fill": fill, "run": run, "neighbours": neighbours, "tokens": tokens}[args.command](args)


if __name__ == "__main__":
    main()
