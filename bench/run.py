"""Time the rerank job on the benchmark database filled by bench/generate.py, against its floors.

    sudo bench/cluster.sh             # the tuned cluster on :5433 (once)
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench .venv/bin/python bench/generate.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/candor_bench .venv/bin/python bench/run.py --repeat 5

Issue 30 sets the targets: a full rerank <= 10 s and <= 3x its floor, an incremental rerank after
10,000 new votes <= 0.5 s and <= 3x its floor. A floor is the least work the run cannot avoid,
timed on the run's own database session in the same minutes as the runs, so that a busy machine
slows both alike:
- full: one GROUP BY over all votes (every vote read and summed per review, kept in the server);
- incremental: one UPDATE ... FROM (aggregate) of 5,000 review-score rows from 10,000 new votes
  (the votes in a temporary table, the update rolled back).

Measures, in this order: a full rerank on a never-ranked database (every row written, once); a
full rerank that settles what earlier runs left (not a round); --repeat rounds of [10,000 new
votes, the full floor, a full rerank]; a full rerank right after (nothing to write); an incremental rerank after 10,000 new votes (the first after a full run); an
incremental run right after it (the votes are still inside the watermark overlap, so they are
re-read but nothing is written); an incremental run with nothing changed (after waiting out the
overlap); --repeat rounds of [10,000 new votes, the incremental floor, an incremental rerank] (the
steady state: an incremental run follows the one before, every few minutes); one more
incremental run on a new database session. Votes are cast as reviews.services.vote_cast writes
them, on another database session (as web workers do); the runs share one session, as the
ranking worker's do (docs/deploy.md); --new-sessions starts every run on a new one.

Prints a Markdown report: the machine, the load average (as `uptime` shows it) at the start and
the end, a summary with min / median / max over the repeats, the floors and the ratios run /
floor (medians), whether each target is met (run times without what the listeners of
ranking.services.rerank_committed do once a run has committed, e.g. the search index copying the
new qualities: timed and shown on their own), the median time of each step of the repeated runs,
then each run's steps and slowest statements. With --explain-ms N it also logs the plans of
statements slower than N ms to the PostgreSQL server log (auto_explain).
Not a test: numbers depend on the machine and what else runs on it.
"""

import argparse
import os
import platform
import re
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from ranking import services  # noqa: E402
from ranking.models import RerankRun  # noqa: E402

FULL_TARGET_MS = 10_000
INCREMENTAL_TARGET_MS = 500
RATIO_TARGET = 3.0

statements: list[tuple[float, str]] = []


def timed_statement(execute, sql, params, many, context):
    """A connection.execute_wrapper: notes each statement of the job's session and its time."""
    began = time.monotonic()
    try:
        return execute(sql, params, many, context)
    finally:
        statements.append(((time.monotonic() - began) * 1000, " ".join(str(sql).split())))


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


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
        f"- load average at the start: {load_average()} (1, 5, 15 min, as `uptime` shows it)",
        f"- {scalar('SELECT version()').split(' on ')[0]}, shared_buffers {scalar('SHOW shared_buffers')} "
        f"(huge_pages {scalar('SHOW huge_pages')}: {huge_pages_in_use()}), work_mem {scalar('SHOW work_mem')}, "
        f"random_page_cost {scalar('SHOW random_page_cost')}, "
        f"database {scalar('SELECT pg_size_pretty(pg_database_size(current_database()))')}",
        f"- data: {scalar('SELECT COUNT(*) FROM accounts_user'):,} users, {scalar('SELECT COUNT(*) FROM reviews_review'):,} "
        f"reviews, {scalar('SELECT COUNT(*) FROM reviews_helpfulvote'):,} votes, "
        f"{scalar('SELECT COUNT(*) FROM reviews_product'):,} products",
    ]


def huge_pages_in_use() -> str:
    """PostgreSQL 15 does not report whether huge_pages = try got them; the postmaster's shared
    memory mapping does, when the server runs on this machine and we may read its /proc."""
    try:
        data_dir = Path(scalar("SHOW data_directory"))
        pid = (data_dir / "postmaster.pid").read_text().split()[0]
        smaps = Path(f"/proc/{pid}/smaps").read_text()
    except (OSError, IndexError):
        return "in use unknown"
    return "in use" if re.search(r"^KernelPageSize:\s+(2048|1048576) kB", smaps, re.M) else "not in use"


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


@dataclass
class Report:
    rows: list[str] = field(
        default_factory=lambda: [
            "| run | kind | wall time (without listeners) | rerank_committed listeners | rows changed |",
            "| --- | --- | --- | --- | --- |",
        ]
    )
    listeners: dict[str, list[float]] = field(default_factory=dict)  # series -> each run's listener ms
    details: list[str] = field(default_factory=list)
    steps: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # series -> each run's step_ms


listeners_ms: list[float] = []


def timed_send(send):
    """services.rerank_committed.send, timed: what other apps do once a run has committed (the
    search index copies the changed qualities) runs inside services.rerank but is not the
    rerank's work; it is reported in a column of its own."""

    def wrapper(*args, **kwargs):
        began = time.monotonic()
        try:
            return send(*args, **kwargs)
        finally:
            listeners_ms.append((time.monotonic() - began) * 1000)

    return wrapper


def measure(label: str, full: bool, report: Report, split: int = 0, new: bool = False, series: str = "") -> float:
    """Time one run; returns its time without the listeners of rerank_committed (see timed_send)."""
    if new or new_sessions or connection.connection is None:
        new_session()
    statements.clear()
    listeners_ms.clear()
    began = time.monotonic()
    with connection.execute_wrapper(timed_statement):
        result = split_in_threads(split) if split else services.rerank(full=full)
    wall = (time.monotonic() - began) * 1000
    assert not result.skipped, result.reason
    listeners = sum(listeners_ms)
    report.listeners.setdefault(series or "other", []).append(listeners)
    wall -= listeners
    report.rows.append(f"| {label} | {result.kind} | {wall:,.0f} ms | {listeners:,.0f} ms | {result.rows_changed:,} |")
    step_ms = getattr(result, "step_ms", {}) or {}
    if series:
        report.steps.setdefault(series, []).append(dict(step_ms))
    steps = ", ".join(f"{name} {ms:,.0f}" for name, ms in step_ms.items() if ms >= 1)
    report.details.append(f"\n### {label}\n\nrows changed: {result.changes or 'none'}\n\nsteps (ms): {steps}\n")
    slowest = sorted(statements, reverse=True)[:6]
    report.details.append("slowest statements:\n")
    report.details.extend(f"- {ms:,.0f} ms: `{sql[:160]}…`" for ms, sql in slowest)
    print(report.rows[-1], flush=True)
    return wall


def full_floor() -> float:
    """One GROUP BY over all votes: every vote read and summed per review, the sums kept in the
    server (the full run does not ship its rows to Python either). Grouped as the full run groups
    its vote sums, streaming the votes in review order from the covering index: the planner's own
    choice, a hash of a million groups, is slower and would flatter the ratio."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashagg = off")
        began = time.monotonic()
        groups = scalar(
            "SELECT COUNT(*) FROM (SELECT review_id, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS h, "
            "SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS n FROM reviews_helpfulvote GROUP BY review_id) a"
        )
        elapsed = (time.monotonic() - began) * 1000
    assert groups > 0, "no votes"
    return elapsed


def incremental_floor(votes: int, reviews: int) -> float:
    """One UPDATE ... FROM (aggregate) of `reviews` review-score rows from `votes` new votes, in a
    transaction that is rolled back. Only the UPDATE is timed: the votes are put in a temporary
    table (and analysed) first, on ranked reviews picked at random."""
    per_review = -(-votes // reviews)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_floor_vote ON COMMIT DROP AS "
            "SELECT t.review_id, random() < 0.8 AS helpful FROM ("
            "  SELECT review_id FROM ranking_reviewscore WHERE ranked ORDER BY random() LIMIT %s"
            ") t CROSS JOIN generate_series(1, %s) k LIMIT %s",
            [reviews, per_review, votes],
        )
        cursor.execute("ANALYZE bench_floor_vote")
        began = time.monotonic()
        cursor.execute(
            "UPDATE ranking_reviewscore s SET helpful_weight = s.helpful_weight + a.h, "
            "unhelpful_weight = s.unhelpful_weight + a.n, updated_at = statement_timestamp() FROM ("
            "  SELECT review_id, SUM(CASE WHEN helpful THEN 1.0 ELSE 0 END) AS h, "
            "  SUM(CASE WHEN helpful THEN 0 ELSE 1.0 END) AS n FROM bench_floor_vote GROUP BY review_id"
            ") a WHERE s.review_id = a.review_id"
        )
        elapsed = (time.monotonic() - began) * 1000
        assert cursor.rowcount == reviews, f"the floor updated {cursor.rowcount} rows, not {reviews}"
        transaction.set_rollback(True)
    return elapsed


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


def spread(values: list[float]) -> str:
    """min / median / max in ms."""
    return f"{min(values):,.0f} / {statistics.median(values):,.0f} / {max(values):,.0f}"


def summary_row(what: str, runs: list[float], floors: list[float], target_ms: int) -> tuple[str, str]:
    run_median, floor_median = statistics.median(runs), statistics.median(floors)
    ratio = run_median / floor_median
    pairs = sorted(r / f for r, f in zip(runs, floors, strict=True))
    row = (
        f"| {what} | {len(runs)} | {spread(runs)} | {spread(floors)} | **{ratio:.1f}x** "
        f"({pairs[0]:.1f}-{pairs[-1]:.1f}) | <= {target_ms:,} ms, <= {RATIO_TARGET:.0f}x |"
    )
    time_met = run_median <= target_ms
    ratio_met = ratio <= RATIO_TARGET
    verdict = (
        f"- {what}: median {run_median:,.0f} ms {'<=' if time_met else '>'} {target_ms:,} ms "
        f"({'met' if time_met else 'NOT MET'}; max {max(runs):,.0f} ms); "
        f"{ratio:.2f}x its floor {'<=' if ratio_met else '>'} {RATIO_TARGET:.0f}x ({'met' if ratio_met else 'NOT MET'})"
    )
    return row, verdict


def step_medians(report: Report) -> list[str]:
    """The median time of each step over the repeated runs of a series: where the time goes."""
    lines = []
    for series, runs in report.steps.items():
        names = list(dict.fromkeys(name for run in runs for name in run))
        medians = {name: statistics.median(run.get(name, 0.0) for run in runs) for name in names}
        shown = ", ".join(f"{name} {ms:,.0f}" for name, ms in sorted(medians.items(), key=lambda kv: -kv[1]) if ms >= 1)
        lines.append(f"- {series} (median of {len(runs)} runs, ms, slowest first): {shown or 'no step timings'}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--new-votes", type=int, default=10_000)
    parser.add_argument("--touched-reviews", type=int, default=5_000)
    parser.add_argument("--split", type=int, default=0, help="also time a full run split into N parallel parts")
    parser.add_argument("--explain-ms", type=int, default=0, help="log plans of statements slower than this")
    parser.add_argument("--new-sessions", action="store_true", help="start every run on a new database session")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of full and of incremental runs, with floors")
    parser.add_argument(
        "--incremental-only", action="store_true", help="skip the full rounds (one settling full run still runs)"
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"refusing to run on {connection.vendor} database {name!r}")
    global explain_ms, new_sessions
    explain_ms, new_sessions = args.explain_ms, args.new_sessions
    sessions = "a new session for each run" if new_sessions else "one session for all runs but the last (a new one)"
    header = ["## Run", "", *machine(), f"- database sessions: {sessions}"]
    report = Report()
    print("\n".join(header), flush=True)
    votes, touched = args.new_votes, args.touched_reviews
    services.rerank_committed.send = timed_send(services.rerank_committed.send)
    if not RerankRun.objects.filter(status=RerankRun.Status.DONE).exists():
        measure("first full rerank (every row written)", True, report)
    # Not a round: the first full run after a bulk load or after incremental runs also writes what
    # they left (reviewer ranks, category priors, level changes held over), many more rows than a
    # nightly run after a day of votes.
    measure("full rerank (refreshes the nightly-only parts, settles what earlier runs left)", True, report)
    full_runs, full_floors = [], []
    for attempt in range(1, 0 if args.incremental_only else args.repeat + 1):
        inserted = add_votes_elsewhere(votes, touched)
        full_floors.append(full_floor())
        label = f"full rerank after {inserted:,} new votes, round {attempt} (floor {full_floors[-1]:,.0f} ms)"
        full_runs.append(measure(label, True, report, series="full rerank"))
    if not args.incremental_only:
        measure("full rerank again, right after (must change nothing)", True, report)
    if args.split:
        label = f"full rerank split into {args.split} parts run at once, then the final step"
        measure(label, True, report, split=args.split)
    inserted = add_votes_elsewhere(votes, touched)
    measure(f"incremental after {inserted:,} new votes on {touched:,} reviews, first after a full run", False, report)
    measure("incremental right after (changes still inside the overlap window)", False, report)
    # The next run re-reads from (previous run's start - overlap); once a run has started more than
    # the overlap after the new votes, the one after it has nothing to re-read.
    wait = settings.RANKING_WATERMARK_OVERLAP.total_seconds() + 1
    print(f"waiting {wait:.0f} s for the watermark overlap to pass…", flush=True)
    time.sleep(wait)
    services.rerank()
    measure("incremental, nothing changed", False, report)
    steady_runs, steady_floors = [], []
    for attempt in range(1, args.repeat + 1):
        inserted = add_votes_elsewhere(votes, touched)
        steady_floors.append(incremental_floor(votes, touched))
        label = (
            f"incremental after {inserted:,} new votes on {touched:,} reviews, steady state, round {attempt} "
            f"(floor {steady_floors[-1]:,.0f} ms)"
        )
        steady_runs.append(measure(label, False, report, series="incremental, steady state"))
    inserted = add_votes_elsewhere(votes, touched)
    measure(
        f"incremental after {inserted:,} new votes on {touched:,} reviews, on a new session", False, report, new=True
    )
    full_row, full_verdict = (
        summary_row("full rerank", full_runs, full_floors, FULL_TARGET_MS) if full_runs else ("", "")
    )
    steady_row, steady_verdict = summary_row(
        f"incremental after {votes:,} new votes, steady state", steady_runs, steady_floors, INCREMENTAL_TARGET_MS
    )
    summary = [
        "",
        f"- load average at the end: {load_average()}",
        "",
        "## Summary (ms: min / median / max; ratio = median run / median floor, per-round range)",
        "",
        "| run | rounds | run | floor | run / floor | target |",
        "| --- | --- | --- | --- | --- | --- |",
        full_row,
        steady_row,
        "",
        full_verdict,
        steady_verdict,
        "",
        "Floors: full = one GROUP BY over all votes; incremental = one UPDATE ... FROM (aggregate) of "
        f"{touched:,} review-score rows from {votes:,} new votes (rolled back).",
        "",
        "Run times exclude the listeners of rerank_committed (other apps' work once a run has committed; "
        "median ms over the rounds: "
        + ", ".join(f"{k} {statistics.median(v):,.0f}" for k, v in report.listeners.items() if k != "other")
        + ").",
        "",
        "Steps of the repeated runs:",
        *step_medians(report),
        "",
        "## Runs",
        "",
        *report.rows,
    ]
    print("\n".join([*header, *summary, "", "## Details", *report.details]))


if __name__ == "__main__":
    main()
