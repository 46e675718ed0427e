"""Time the rerank job on the benchmark database filled by bench/generate.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/candor_bench .venv/bin/python bench/run.py

Measures, in this order: a full rerank on a never-ranked database (every row written), a full
rerank (refreshing what only full runs do), the same again right after (nothing to write), an
incremental rerank after 10,000 new votes on
5,000 reviews (inserted the way reviews.services.vote_cast writes them), an incremental run right
after it (the 10,000 votes are still inside the watermark overlap, so they are re-read but nothing
is written), an incremental run with nothing changed at all (after waiting out the overlap),
--repeat more incremental reranks, each after 10,000 new votes (the steady state: an incremental
run follows the one before, every few minutes, rather than a full run), with their median, and
one more on a new database session. Prints a Markdown report with the machine, per-step and slowest-statement timings. With
--explain-ms N it also logs the plans of statements slower than N ms to the PostgreSQL server log
(auto_explain). As in production, the votes are cast on another database session and the runs
share one session, as the ranking worker's do (its connections outlive the beat interval, see
docs/deploy.md); the last measurement shows what a run on a new session costs (--new-sessions
starts every run on one). Also reports whether PostgreSQL runs on huge pages (see docs/deploy.md).
Not a test: numbers depend on the machine and what else runs on it.
"""

import argparse
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from ranking import services  # noqa: E402
from ranking.engine import Engine  # noqa: E402
from ranking.models import RerankRun  # noqa: E402

statements: list[tuple[float, str]] = []
_real_x = Engine.x


def timed_x(self, sql, params=None):
    began = time.monotonic()
    try:
        return _real_x(self, sql, params)
    finally:
        statements.append(((time.monotonic() - began) * 1000, " ".join(sql.split())))


Engine.x = timed_x


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except OSError:
        mem_kb = 0
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores ({cpu}), {mem_kb / 1024 / 1024:.0f} GB RAM, {platform.platform()}",
        f"- load average when starting: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (the cores are shared)",
        f"- {scalar('SELECT version()').split(' on ')[0]}, shared_buffers {scalar('SHOW shared_buffers')} "
        f"(huge_pages {scalar('SHOW huge_pages')}), "
        f"database {scalar('SELECT pg_size_pretty(pg_database_size(current_database()))')}",
        f"- data: {scalar('SELECT COUNT(*) FROM accounts_user'):,} users, {scalar('SELECT COUNT(*) FROM reviews_review'):,} "
        f"reviews, {scalar('SELECT COUNT(*) FROM reviews_helpfulvote'):,} votes, "
        f"{scalar('SELECT COUNT(*) FROM reviews_product'):,} products",
    ]


def split_in_threads(parts: int):
    """A split full run as workers would do it: the parts at once (one thread and database
    connection each, as N Celery workers), then the final step."""
    split = services.rerank_split_begin(parts=parts)
    assert split is not None, "locked"

    def part(bounds):
        try:
            services.rerank_stage_part(key=split.run_key, low=bounds[0], high=bounds[1])
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=parts) as pool:
        list(pool.map(part, split.ranges))
    return services.rerank_split_finish(key=split.run_key)


explain_ms = 0
new_sessions = False


def new_session() -> None:
    """Start the next run on a new database session, as a worker whose connection expired does.
    A new session creates the rerank's temporary tables, fills its catalog caches and maps every
    shared-buffer page it reads anew (see docs/deploy.md, huge pages)."""
    connection.close()
    if explain_ms:
        with connection.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            cursor.execute(f"SET auto_explain.log_min_duration = {int(explain_ms)}")
            cursor.execute("SET auto_explain.log_analyze = on")
            cursor.execute("SET auto_explain.log_buffers = on")


def measure(label: str, full: bool, rows: list[str], details: list[str], split: int = 0, new: bool = False) -> float:
    if new or new_sessions or connection.connection is None:
        new_session()
    statements.clear()
    began = time.monotonic()
    result = split_in_threads(split) if split else services.rerank(full=full)
    wall = (time.monotonic() - began) * 1000
    assert not result.skipped, result.reason
    rows.append(f"| {label} | {result.kind} | {wall:,.0f} ms | {result.rows_changed:,} |")
    steps = ", ".join(f"{name} {ms:,.0f}" for name, ms in result.step_ms.items() if ms >= 1)
    details.append(f"\n### {label}\n\nrows changed: {result.changes or 'none'}\n\nsteps (ms): {steps}\n")
    slowest = sorted(statements, reverse=True)[:6]
    details.append("slowest statements:\n")
    details.extend(f"- {ms:,.0f} ms: `{sql[:160]}…`" for ms, sql in slowest)
    print(rows[-1], flush=True)
    return wall


def add_votes_elsewhere(count: int, reviews: int) -> int:
    """add_votes on a session of its own, as web workers cast votes: a session that wrote the
    rows has already mapped their pages and would read them back faster than the job's does."""

    def cast() -> int:
        try:
            return add_votes(count, reviews)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(cast).result()


def add_votes(count: int, reviews: int) -> int:
    """New votes as vote_cast writes them: the vote, the review's counters and changed_at, the tally."""
    per_review = -(-count // reviews)
    users = scalar("SELECT MAX(id) FROM accounts_user")
    inserted = 0
    salt = int(time.time())
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_target AS SELECT id, author_id FROM reviews_review WHERE FALSE"
        )
        cursor.execute("TRUNCATE bench_target")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_new_vote (user_id BIGINT, review_id BIGINT, helpful BOOLEAN)"
        )
        cursor.execute("TRUNCATE bench_new_vote")
        cursor.execute(
            "INSERT INTO bench_target SELECT id, author_id FROM reviews_review WHERE status = 'published' "
            "ORDER BY md5(id::text || %s) LIMIT %s",
            [salt, reviews],
        )
        for attempt in range(20):
            cursor.execute(
                "WITH ins AS (INSERT INTO reviews_helpfulvote (user_id, review_id, helpful, created_at, updated_at) "
                "SELECT 1 + (t.author_id + 1 + (k * 7919 + t.id * 13 + %s) %% (%s - 1)) %% %s, t.id, "
                "random() < 0.8, now(), now() FROM bench_target t CROSS JOIN generate_series(1, %s) k "
                "ORDER BY k, t.id LIMIT %s ON CONFLICT DO NOTHING RETURNING user_id, review_id, helpful) "
                "INSERT INTO bench_new_vote SELECT user_id, review_id, helpful FROM ins",
                [salt + attempt * 104729, users, users, per_review, count - inserted],
            )
            inserted += cursor.rowcount
            if inserted >= count:
                break
        cursor.execute(
            "UPDATE reviews_review r SET changed_at = now(), helpful_count = a.h, not_helpful_count = a.n FROM ("
            "  SELECT v.review_id, SUM(CASE WHEN v.helpful THEN 1 ELSE 0 END) AS h, "
            "  SUM(CASE WHEN v.helpful THEN 0 ELSE 1 END) AS n FROM reviews_helpfulvote v "
            "  WHERE v.review_id IN (SELECT id FROM bench_target) GROUP BY v.review_id"
            ") a WHERE r.id = a.review_id"
        )
        # ... and the voters' tallies per author, as vote_cast moves them.
        cursor.execute(
            "INSERT INTO reviews_votetally (voter_id, author_id, votes, helpful_votes) "
            "SELECT n.user_id, r.author_id, COUNT(*), SUM(CASE WHEN n.helpful THEN 1 ELSE 0 END) "
            "FROM bench_new_vote n JOIN reviews_review r ON r.id = n.review_id GROUP BY n.user_id, r.author_id "
            "ON CONFLICT (voter_id, author_id) DO UPDATE SET votes = reviews_votetally.votes + EXCLUDED.votes, "
            "helpful_votes = reviews_votetally.helpful_votes + EXCLUDED.helpful_votes"
        )
    return inserted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--new-votes", type=int, default=10_000)
    parser.add_argument("--touched-reviews", type=int, default=5_000)
    parser.add_argument("--split", type=int, default=0, help="also time a full run split into N parallel parts")
    parser.add_argument("--explain-ms", type=int, default=0, help="log plans of statements slower than this")
    parser.add_argument("--new-sessions", action="store_true", help="start every run on a new database session")
    parser.add_argument("--repeat", type=int, default=5, help="incremental runs timed in the steady state")
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"refusing to run on {connection.vendor} database {name!r}")
    global explain_ms, new_sessions
    explain_ms, new_sessions = args.explain_ms, args.new_sessions
    sessions = "a new session for each run" if new_sessions else "one session for all runs but the last (a new one)"
    report = ["## Run", "", *machine(), f"- database sessions: {sessions}", ""]
    rows = ["| run | kind | wall time | rows changed |", "| --- | --- | --- | --- |"]
    details: list[str] = []
    print("\n".join(report), flush=True)
    if not RerankRun.objects.filter(status=RerankRun.Status.DONE).exists():
        measure("first full rerank (every row written)", True, rows, details)
    measure("full rerank (refreshes the nightly-only parts: reviewer ranks, category priors)", True, rows, details)
    measure("full rerank again, right after (must change nothing)", True, rows, details)
    if args.split:
        label = f"full rerank split into {args.split} parts run at once, then the final step"
        measure(label, True, rows, details, split=args.split)
    inserted = add_votes_elsewhere(args.new_votes, args.touched_reviews)
    measure(f"incremental after {inserted:,} new votes on {args.touched_reviews:,} reviews", False, rows, details)
    measure("incremental right after (changes still inside the overlap window)", False, rows, details)
    # The next run re-reads from (previous run's start - overlap); once a run has started more than
    # the overlap after the new votes, the one after it has nothing to re-read.
    wait = settings.RANKING_WATERMARK_OVERLAP.total_seconds() + 1
    print(f"waiting {wait:.0f} s for the watermark overlap to pass…", flush=True)
    time.sleep(wait)
    services.rerank()
    measure("incremental, nothing changed", False, rows, details)
    steady = []
    for attempt in range(1, args.repeat + 1):
        inserted = add_votes_elsewhere(args.new_votes, args.touched_reviews)
        label = f"incremental after {inserted:,} new votes on {args.touched_reviews:,} reviews, steady state #{attempt}"
        steady.append(measure(label, False, rows, details))
    if steady:
        median = sorted(steady)[len(steady) // 2]
        rows.append(f"| steady state: median of the {len(steady)} runs above | incremental | {median:,.0f} ms | |")
    inserted = add_votes_elsewhere(args.new_votes, args.touched_reviews)
    label = f"incremental after {inserted:,} new votes on {args.touched_reviews:,} reviews, on a new session"
    measure(label, False, rows, details, new=True)
    print("\n" + "\n".join([*report, *rows, "", "## Details", *details]))


if __name__ == "__main__":
    main()
