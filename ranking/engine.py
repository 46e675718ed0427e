# SQL here is assembled only from table names, column names and numeric constants defined in this
# module, scoring.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""The rerank job's SQL: set-based statements that run on PostgreSQL and SQLite alike.

Call it through ranking.services.rerank(), which takes the lock. One `Engine.run()` is one
transaction: readers keep seeing the previous ranking until it commits, and a run that fails or
is killed midway leaves the previous ranking intact (the transaction rolls back).

Shape of a run
--------------
Each step computes new values in a derived table or a temporary table and writes only rows whose
value differs (`IS DISTINCT FROM`; SQLite spells it `IS NOT`), so a second run on unchanged
data writes nothing.

1. Scope. A full run covers every row. An incremental run starts from what changed since the
   previous successful run's start (minus settings.RANKING_WATERMARK_OVERLAP): the review
   changes it takes (ranking.models.ReviewChange: a review created, edited, its photos or its
   product's category changed, recorded by triggers; only these reviews have their inputs read
   again, the others in scope keep those on their score row), the vote events it takes
   (ranking.models.VoteEvent: every vote cast, changed or withdrawn, recorded by a trigger),
   fraud flags a moderator decided, features set or expired, deleted reviews
   (RerankPending), and voters whose weight may have changed without any row changing (7-day
   birthdays, suspensions starting or ending).
2. Voter/author pairs beyond the cap (VotePair) are refreshed from reviews.VoteTally, which
   the vote services keep exact per voter and author (every run compares all pairs over the cap,
   a few hundred read through a partial index); pairs whose count changed put the voter's other
   votes on that author back in scope.
3. Serial voting is detected on those pairs (ring detection runs on full runs).
4. Vote weights, review scores, reviewer standings and per-category standings are recomputed for
   the scope. (A full run on PostgreSQL recomputes every score's inputs in parallel and its
   figures where the inputs or the formula changed: see score_all.) A level change changes the
   author's prior and the weight of their votes, so the run settles: it re-scores what those
   changes touch, up to SETTLE_ROUNDS times, and leaves anything left over in RerankPending for
   the next run. (Only the reviews whose voters' weights changed have their votes summed again;
   the others keep the sums already on their score row, and of their inputs only the author's
   level is read again.) Likewise the first pass adds a review's new votes to its stored sums
   (vote_deltas), at the weight each vote event recorded while it is still current (see
   event_voter_weights), unless something else about its votes changed.
   A scoped score write records the rows it changed, with their values before and after
   (rk_touched): only their authors, (author, category) pairs and products are recomputed, and an
   author (or an author's category) whose changed rows only changed figures has their sums moved
   by the differences (_moved_standings, _move_category_standings) instead of counted again.
5. Product scores for touched products (full runs first refresh the category priors), then
   exact ranks for the top reviewers overall, per touched category, and the top products. A
   scoped run moves a product's sums by the differences its changed score rows recorded (exact:
   every summand is rounded to scoring.ROUND_DIGITS decimals, and so is each sum); products that
   lost reviews or changed category are counted again from their score rows.
6. Full runs only: invited-tester promotion and demotion (ranking.testers).

A full run can be split across workers (Split, stage_part, score_reviews_split): each part
stages the scores of one review-id range from its own snapshot; the final run takes those,
recomputes the reviews that changed after the earliest part began, and goes on as above.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import scoring as S
from .models import RerankPending, RerankRun, StagedPart, TesterEvent

logger = logging.getLogger(__name__)

SETTLE_ROUNDS = 3
# Arbitrary constant: the PostgreSQL advisory lock key of the rerank job.
PG_ADVISORY_KEY = 7_301_531_003

REVIEW = "reviews_review"
PRODUCT = "reviews_product"
VOTE = "reviews_helpfulvote"
PHOTO = "reviews_reviewphoto"
USER = "accounts_user"
SCORE = "ranking_reviewscore"
STANDING = "ranking_reviewerstanding"
CATSTANDING = "ranking_categorystanding"
CATSTATS = "ranking_categorystats"
PSCORE = "ranking_productscore"
PAIR = "ranking_votepair"
TALLY = "reviews_votetally"
STAGED = "ranking_stagedscore"
FLAG = "ranking_fraudflag"
FLAGGED = "ranking_flaggedvote"
EVENT = "ranking_voteevent"
EVENT_COLUMNS = "vote_id, user_id, review_id, helpful, kind, weight, weight_version"
WEIGHT_VERSION = "ranking_voteweightversion"
REVIEW_CHANGE = "ranking_reviewchange"
# A score row copies what the aggregates need from its review, so they never read the (wide)
# reviews table: product, category, author, creation time, rating.
SCORE_KEYS = "review_id, product_id, category_id, author_id, created_at, rating"
SCORE_KEY_VALUES = "r.id, r.product_id, p.category_id, r.author_id, r.created_at, r.rating"

# What a review's score figures are computed from (score_inputs), all stored on its score row.
INPUT_COLUMNS = [
    "product_id",
    "category_id",
    "author_id",
    "created_at",
    "rating",
    "ranked",
    "helpful_weight",
    "unhelpful_weight",
    "body_length",
    "photo_count",
    "author_level",
]
PRODUCT_SCORE_COLUMNS = [
    "category_id",
    "review_count",
    "average_rating",
    "weight_sum",
    "weighted_rating_sum",
    "bayesian_score",
    "eligible",
]
CATEGORY_STANDING_COLUMNS = ["reputation", "review_count", "helpful_weight_received", "is_expert", "review_points"]
# A standing's stored figures that standings() compares with the new ones (and its level).
STORED_STANDING_COLUMNS = [
    "reputation",
    "review_count",
    "recent_review_count",
    "helpful_weight_received",
    "unhelpful_weight_received",
    "active_periods",
    "review_points",
]
# ... as the new figures' rows carry them (st: the standing), to compare with.
STORED_STANDING_SELECT = ", ".join(f"st.{col} AS stored_{col}" for col in STORED_STANDING_COLUMNS)
# The tables a statement inserts into (see Engine.known_empty).
INSERTED_INTO = re.compile(r"\bINSERT\s+INTO\s+(\w+)", re.IGNORECASE)
# Above this many user ids, vote weights are joined instead of passed as one array parameter.
MAX_WEIGHT_ARRAY = 5_000_000

# What score_layers() computes from those inputs.
FIGURE_COLUMNS = [
    "helpfulness",
    "length_signal",
    "photo_signal",
    "text_signal",
    "content",
    "author_prior",
    "merit",
    "quality",
    "discover",
]
# Every stored score column score_values() yields (and ranking_stagedscore holds).
SCORE_COLUMNS = INPUT_COLUMNS + FIGURE_COLUMNS

# What a scoped score write records of each row it changed, before and after (rk_touched): what
# moves the sums of its author's standing and of its product, and what says where it belongs.
TOUCHED_COLUMNS = {
    "author_id": "BIGINT",
    "product_id": "BIGINT",
    "category_id": "BIGINT",
    "created_at": "TIMESTAMP WITH TIME ZONE",
    "ranked": "BOOLEAN",
    "rating": "INTEGER",
    "quality": "DOUBLE PRECISION",
    "helpful_weight": "DOUBLE PRECISION",
    "unhelpful_weight": "DOUBLE PRECISION",
    "merit": "DOUBLE PRECISION",
}

# What reviewer and category standings sum from a score row (with the time of the run).
STANDING_INPUTS = ("ranked", "author_id", "category_id", "created_at", "helpful_weight", "unhelpful_weight", "merit")

# Temporary tables: (name, columns), emptied at the end of the run. Finding changes needs only
# CORE_TEMP_TABLES; an incremental run with nothing to do never creates the others.
CORE_TEMP_TABLES = (
    "rk_review",
    "rk_review_votes",
    "rk_review_inputs",
    "rk_user",
    "rk_voter",
    "rk_product",
    "rk_weight_new",
    "rk_new_vote",
    "rk_event_voter",
)
TEMP_TABLES = {
    "rk_review": "id BIGINT PRIMARY KEY",  # reviews to score in this round
    # ... and of those, the reviews whose votes are all summed again; the others keep the sums on
    # their score row, plus what their new votes add (rk_vote_delta)
    "rk_review_votes": "id BIGINT PRIMARY KEY",
    # ... and of those, the reviews whose own fields, photos, category or author's level changed
    # (ReviewChange), or that no run scored yet: read again; the others keep what their score row
    # holds (see score_inputs)
    "rk_review_inputs": "id BIGINT PRIMARY KEY",
    # votes cast or changed since the last run: the vote events an incremental run took (see
    # take_events), or the votes a split run's parts may not have seen (kind 'update')
    "rk_new_vote": (
        "vote_id BIGINT, user_id BIGINT, review_id BIGINT, helpful BOOLEAN, kind VARCHAR(6), "
        "weight DOUBLE PRECISION, weight_version BIGINT"
    ),
    # the voters of those votes whose weight their events do not tell, with their vote weight
    # (NULL: no standing; see event_voter_weights)
    "rk_event_voter": "user_id BIGINT PRIMARY KEY, weight DOUBLE PRECISION",
    # what the new votes of reviews outside rk_review_votes add to their stored sums
    # (`complete`: every voter had a standing; the others are summed again)
    "rk_vote_delta": "review_id BIGINT PRIMARY KEY, hw DOUBLE PRECISION, uw DOUBLE PRECISION, complete BOOLEAN",
    "rk_user": "id BIGINT PRIMARY KEY",  # standings to recompute in this round
    "rk_voter": "id BIGINT PRIMARY KEY",  # vote weights to recompute in this round
    "rk_product": "id BIGINT PRIMARY KEY",  # products of deleted reviews, to count again
    "rk_pcategory": "id BIGINT PRIMARY KEY",  # categories whose product ranks to refresh
    "rk_level_changed": "id BIGINT PRIMARY KEY",
    "rk_level_up": "id BIGINT PRIMARY KEY",  # every reviewer whose level this run raised
    "rk_weight_new": "user_id BIGINT PRIMARY KEY, weight DOUBLE PRECISION",
    "rk_standing_new": (
        "user_id BIGINT PRIMARY KEY, reputation DOUBLE PRECISION, level INTEGER, old_level INTEGER, "
        "review_count INTEGER, recent_review_count INTEGER, helpful_weight_received DOUBLE PRECISION, "
        "unhelpful_weight_received DOUBLE PRECISION, active_periods INTEGER, review_points DOUBLE PRECISION"
    ),
    "rk_catstanding": (
        "user_id BIGINT, category_id BIGINT, reputation DOUBLE PRECISION, review_count INTEGER, "
        "helpful_weight_received DOUBLE PRECISION, is_expert BOOLEAN, review_points DOUBLE PRECISION, "
        "PRIMARY KEY (user_id, category_id)"
    ),
    "rk_pair_new": "voter_id BIGINT, author_id BIGINT, votes INTEGER, helpful_votes INTEGER, PRIMARY KEY (voter_id, author_id)",
    "rk_pair_changed": "voter_id BIGINT, author_id BIGINT, PRIMARY KEY (voter_id, author_id)",
    "rk_pair_vote": (
        "vote_id BIGINT PRIMARY KEY, voter_id BIGINT, author_id BIGINT, review_id BIGINT, created_epoch DOUBLE PRECISION"
    ),
    "rk_burst_end": "vote_id BIGINT PRIMARY KEY, voter_id BIGINT, author_id BIGINT, created_epoch DOUBLE PRECISION, n INTEGER",
    "rk_rank": "id BIGINT PRIMARY KEY, rnk INTEGER",
    "rk_catrank": "user_id BIGINT, category_id BIGINT, rnk INTEGER, PRIMARY KEY (user_id, category_id)",
    "rk_cutoff": "category_id BIGINT PRIMARY KEY, cutoff DOUBLE PRECISION",
    "rk_catdiff": (
        "stored_id BIGINT, user_id BIGINT, category_id BIGINT, present BOOLEAN, reputation DOUBLE PRECISION, "
        "review_count INTEGER, helpful_weight_received DOUBLE PRECISION, is_expert BOOLEAN, "
        "review_points DOUBLE PRECISION"
    ),
    # (author, category) pairs whose category standing a scoped run recomputes
    # ... and of those, the pairs counted again from their score rows (see category_standings)
    "rk_usercat_recount": "user_id BIGINT, category_id BIGINT, PRIMARY KEY (user_id, category_id)",
    # ... and the pairs whose sums were moved by the differences instead
    "rk_catmoved": "user_id BIGINT, category_id BIGINT, PRIMARY KEY (user_id, category_id)",
    # score rows a scoped write changed, with TOUCHED_COLUMNS before and after (see
    # _write_scores); SQLite copies the values before into rk_old_values first
    "rk_touched": "review_id BIGINT PRIMARY KEY, "
    + ", ".join(f"{c} {t}, old_{c} {t}" for c, t in TOUCHED_COLUMNS.items()),
    "rk_old_values": "review_id BIGINT PRIMARY KEY, " + ", ".join(f"{c} {t}" for c, t in TOUCHED_COLUMNS.items()),
    # authors in rk_user whose standing is counted again from their score rows (see standings)
    "rk_user_recount": "id BIGINT PRIMARY KEY",
    # what the changed score rows add to (or take from) their products' sums, over the run
    # (and the product's category, as the score row carries it)
    "rk_product_delta": (
        "product_id BIGINT, category_id BIGINT, n INTEGER, ratings DOUBLE PRECISION, w DOUBLE PRECISION, "
        "wr DOUBLE PRECISION"
    ),
    "rk_product_recount": "id BIGINT PRIMARY KEY",  # products whose sums are counted again
}


class Dialect:
    """The few places where PostgreSQL and SQLite spell things differently."""

    def __init__(self, vendor: str):
        if vendor not in {"postgresql", "sqlite"}:
            raise NotImplementedError(f"the rerank job supports PostgreSQL and SQLite, not {vendor}")
        self.pg = vendor == "postgresql"

    @staticmethod
    def lit(value: float) -> str:
        return f"CAST({float(value)!r} AS DOUBLE PRECISION)"

    @staticmethod
    def dbl(expr: str) -> str:
        return f"CAST({expr} AS DOUBLE PRECISION)"

    def rnd(self, expr: str) -> str:
        """Round to scoring.ROUND_DIGITS decimals, in floating point on both databases (a
        NUMERIC round trip costs PostgreSQL a lot on a million rows). Deterministic, which is
        what makes a second run bit-identical."""
        scale = self.lit(10**S.ROUND_DIGITS)
        return f"(ROUND(({expr}) * {scale}) / {scale})"

    def fence(self) -> str:
        """Ends a derived table that must not be merged into its parent: merged, PostgreSQL would
        re-evaluate every expression of the layer below at each reference."""
        return " OFFSET 0" if self.pg else " LIMIT -1 OFFSET 0"

    def epoch(self, col: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(EPOCH FROM {col}) AS DOUBLE PRECISION)"
        return f"((julianday({col}) - 2440587.5) * 86400.0)"

    def distinct(self, a: str, b: str) -> str:
        return f"({a} IS DISTINCT FROM {b})" if self.pg else f"({a} IS NOT {b})"

    def any_distinct(self, pairs: Iterable[tuple[str, str]]) -> str:
        return "(" + " OR ".join(self.distinct(a, b) for a, b in pairs) + ")"

    def create_temp(self, name: str, columns: str) -> str:
        if self.pg:
            # Kept for the session (a worker's connection runs every rerank), emptied at commit:
            # creating and dropping ~30 tables cost each run ~25 ms.
            return f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DELETE ROWS"
        return f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})"


@dataclass
class Scope:
    """Which rows a statement covers: everything, the ids in a temporary table, or an id range
    (one part of a split full run)."""

    table: str | None  # None: every row (or the range below)
    low: int | None = None  # inclusive
    high: int | None = None  # exclusive

    @property
    def everything(self) -> bool:
        return self.table is None and self.low is None

    def on(self, column: str) -> str:
        if self.low is not None:
            return f"({column} >= {int(self.low)} AND {column} < {int(self.high)})"
        return "TRUE" if self.table is None else f"{column} IN (SELECT id FROM {self.table})"


ALL = Scope(None)


@dataclass
class Split:
    """A full run split by review id ranges: the parts staged under `key` (see stage_part)."""

    key: str
    ranges: list[tuple[int, int]]


@dataclass
class RunResult:
    kind: str
    started_at: datetime
    since: datetime | None = None
    changes: dict[str, int] = field(default_factory=dict)
    duration_ms: float = 0.0
    skipped: bool = False
    reason: str = ""
    run_id: int | None = None
    step_ms: dict[str, float] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)  # figures that are not row changes

    @property
    def rows_changed(self) -> int:
        return sum(self.changes.values())

    def add(self, key: str, count: int) -> None:
        if count and count > 0:
            self.changes[key] = self.changes.get(key, 0) + count

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "started_at": self.started_at.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "changes": dict(self.changes),
            "rows_changed": self.rows_changed,
            "duration_ms": round(self.duration_ms, 1),
            "skipped": self.skipped,
            "reason": self.reason,
            "step_ms": dict(self.step_ms),
            "notes": dict(self.notes),
        }


FULL_STEPS = [
    "prepare",
    "vote pairs",
    "fraud signals",
    "vote weights",
    "review scores",
    "reviewer standings",
    "category standings",
    "settle levels",
    "category priors",
    "product scores",
    "ranks",
    "invited testers",
    "finish",
]
INCREMENTAL_STEPS = [
    "prepare",
    "find changes",
    "vote pairs",
    "fraud signals",
    "vote weights",
    "review scores",
    "reviewer standings",
    "category standings",
    "settle levels",
    "product scores",
    "ranks",
    "finish",
]


class Busy(Exception):
    """Another run holds the database-level lock."""


class Engine:
    def __init__(self, *, now: datetime | None = None, progress: Callable[[str], None] | None = None):
        self.now = now or timezone.now()
        self._report = progress or (lambda step: None)
        self._step: tuple[str, float] | None = None
        self.result: RunResult | None = None
        self.d = Dialect(connection.vendor)
        self.ops = connection.ops
        self.cursor = None
        self.since: datetime | None = None
        self.pending_max = 0
        self.tester_event_ids: list[int] = []
        self.temp_tables: list[str] = []
        self.dropped_at_end: list[str] = []  # the scratch tables, and SQLite's temporary ones
        self.temp_tables_empty = False  # see run()
        # Temporary tables known to be empty (created or cleared, nothing inserted since): add_ids
        # fills those without ON CONFLICT, whose speculative insertion doubles an insert's cost.
        self.known_empty: set[str] = set()
        self.backend_pid: int | None = None
        self.coarse_statistics = False  # see analyze()
        self.weight_version: int | None = None  # see event_voter_weights
        self.formula: str | None = None  # score_formula(), set by a full run's score step
        self.product_agg: str | None = None  # see category_stats
        self.level_cutoffs: dict[int, float] = {}  # the community route's (ranking.levels), set by run()

    # --- plumbing ---------------------------------------------------------------------------

    def progress(self, step: str) -> None:
        """Mark the start of a step: reported to the caller and timed into result.step_ms."""
        now = time.monotonic()
        if self._step is not None and self.result is not None:
            name, began = self._step
            self.result.step_ms[name] = round(self.result.step_ms.get(name, 0.0) + (now - began) * 1000, 1)
        self._step = (step, now)
        self._report(step)

    def dt(self, value: datetime):
        return self.ops.adapt_datetimefield_value(value)

    def x(self, sql: str, params: dict | None = None) -> int:
        self.cursor.execute(sql, params or {})
        count = self.cursor.rowcount
        self._note_inserts(sql, count)
        return max(count, 0)

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        self.cursor.execute(sql, params or {})
        self._note_inserts(sql, -1)
        return self.cursor.fetchall()

    def insert_many(self, sql: str, rows: list[tuple]) -> None:
        self.cursor.executemany(sql, rows)
        self._note_inserts(sql, -1)

    def _note_inserts(self, sql: str, count: int) -> None:
        """Forget that a table is empty once a statement may have inserted into it. A plain
        INSERT's row count says whether it did; any other statement naming one counts as one that did."""
        if self.known_empty:
            targets = INSERTED_INTO.findall(sql)
            if len(targets) == 1 and count == 0 and re.match(r"\s*INSERT\s", sql, re.IGNORECASE):
                return
            self.known_empty.difference_update(targets)

    def scalar(self, sql: str, params: dict | None = None):
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def create_temp(self, names) -> None:
        for name in names:
            if name not in self.temp_tables:
                self.x(self.d.create_temp(name, TEMP_TABLES[name]))
                if not self.temp_tables_empty:
                    self.clear(name)
                self.known_empty.add(name)
                self.temp_tables.append(name)
                if not self.d.pg:
                    self.dropped_at_end.append(name)

    def create_temp_as(self, name: str, select_sql: str, params: dict | None = None) -> str:
        """A scratch table filled by one SELECT; returns its name. PostgreSQL can run CREATE
        TABLE AS in parallel (INSERT ... SELECT and UPDATE never are), and it then gets
        statistics. On PostgreSQL it is an unlogged table, not a temporary one: parallel workers
        cannot read temporary tables, so every later statement that read one ran in a single
        backend. Its name carries the backend's pid (the parts of a split run build theirs at
        once); it is created and dropped inside the run's transaction, so a killed run leaves none."""
        if self.d.pg:
            if self.backend_pid is None:
                self.backend_pid = self.scalar("SELECT pg_backend_pid()")
            table = f"{name}_{int(self.backend_pid)}"
            self.x(f"DROP TABLE IF EXISTS {table}")
            self.x(f"CREATE UNLOGGED TABLE {table} AS {select_sql}", params)
        else:
            table = name
            self.x(f"DROP TABLE IF EXISTS {table}")
            self.x(f"CREATE TEMP TABLE {table} AS {select_sql}", params)
        if table not in self.temp_tables:
            self.temp_tables.append(table)
            self.dropped_at_end.append(table)
        self.analyze(table)
        return table

    def clear(self, *tables: str) -> None:
        for table in tables:
            # (A table nothing was inserted into since it was created or cleared needs no DELETE:
            # ~15 of them per run, ~0.3 ms each.)
            if table not in self.known_empty:
                # PostgreSQL: TRUNCATE leaves no dead rows for the statements after it to step over
                # (a settle round read the 5 k dead ids of the first pass's rk_review again).
                self.x(f"TRUNCATE {table}" if self.d.pg else f"DELETE FROM {table}")
                self.known_empty.add(table)

    def add_ids(self, table: str, select_sql: str, params: dict | None = None) -> int:
        """Insert the ids `select_sql` yields into a temporary id table, skipping duplicates."""
        if table in self.known_empty:
            return self.x(
                f"INSERT INTO {table} (id) SELECT DISTINCT q.id FROM ({select_sql}) q WHERE q.id IS NOT NULL", params
            )
        # ON CONFLICT rather than NOT EXISTS on the table being filled: PostgreSQL may plan the
        # latter as a nested loop over a growing table (quadratic).
        return self.x(
            f"INSERT INTO {table} (id) SELECT DISTINCT q.id FROM ({select_sql}) q "
            "WHERE q.id IS NOT NULL ON CONFLICT (id) DO NOTHING",
            params,
        )

    def count(self, table: str) -> int:
        return self.scalar(f"SELECT COUNT(*) FROM {table}") or 0

    def analyze(self, *tables: str) -> None:
        # Temporary tables have no statistics; without them PostgreSQL plans large joins badly.
        # The scratch tables (rk_*) get a tenth of the usual sample, enough for their keys and row
        # counts (a full sample of a million-row table costs ~0.1 s, of the 10 k new votes ~8 ms
        # against ~3 ms); the base tables the usual one.
        if self.d.pg:
            for table in tables:
                coarse = table.startswith("rk_")
                if coarse != self.coarse_statistics:
                    target = "10" if coarse else "DEFAULT"
                    self.x(f"SET LOCAL default_statistics_target TO {target}")
                    self.coarse_statistics = coarse
                self.x(f"ANALYZE {table}")

    # --- the run ----------------------------------------------------------------------------

    def last_done_run(self, kind: str | None = None) -> RerankRun | None:
        runs = RerankRun.objects.filter(status=RerankRun.Status.DONE)
        if kind:
            runs = runs.filter(kind=kind)
        return runs.order_by("-started_at", "-id").first()

    def run(self, *, full: bool, split: Split | None = None) -> RunResult:
        started = time.monotonic()
        outermost = not connection.in_atomic_block
        # PostgreSQL's temporary tables are emptied at each commit: a run in a transaction of its
        # own finds them empty; one nested in an outer transaction (tests) may not.
        self.temp_tables_empty = outermost and self.d.pg
        with transaction.atomic():
            with connection.cursor() as cursor:
                self.cursor = cursor
                if self.d.pg:
                    if outermost:
                        # One snapshot for the whole run: every statement sees the same data.
                        self.x("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    # Belt and braces with the cache lock: never two runs at once, even when the
                    # cache lock expired under a very long run. Released at commit or rollback.
                    if not self.scalar("SELECT pg_try_advisory_xact_lock(%(k)s)", {"k": PG_ADVISORY_KEY}):
                        raise Busy("another rerank transaction is running")
                    if full:
                        self.x("SET LOCAL work_mem = '256MB'")
                        # The full run's big statements are million-row joins and aggregates that
                        # PostgreSQL's default costs keep in one backend when their result is
                        # large or their joins are hashed; on two cores the parallel plans take
                        # 35-45 % less time (measured in bench/RESULTS.md).
                        self.x("SET LOCAL parallel_setup_cost = 0")
                        self.x("SET LOCAL parallel_tuple_cost = 0")
                    else:
                        # Small scoped statements: JIT compilation would cost more than it saves.
                        self.x("SET LOCAL jit = off")
                last = None if full else self.last_done_run()
                if last is None:
                    full = True
                result = self.result = RunResult(kind="full" if full else "incremental", started_at=self.now)
                self.progress("prepare")
                self.create_temp(CORE_TEMP_TABLES if not full else TEMP_TABLES)
                self.pending_max = self.scalar("SELECT MAX(id) FROM ranking_rerankpending") or 0
                from .levels import CUTOFFS_KEY, stored_cutoffs

                self.level_cutoffs = stored_cutoffs()
                if full:
                    self._full(result, split)
                else:
                    result.since = self.since = last.started_at - settings.RANKING_WATERMARK_OVERLAP
                    self._incremental(result)
                if result.changes.get("standings"):
                    # Levels only rise when this run changed standings; skip the scan otherwise.
                    from .levels import announce_level_ups

                    raised = announce_level_ups(self, now=self.now, only_raised_by_this_run=not full)
                    result.add("level_ups", raised)
                self.progress("finish")
                if self.pending_max:
                    RerankPending.objects.filter(id__lte=self.pending_max).delete()
                for name in self.dropped_at_end:
                    self.x(f"DROP TABLE IF EXISTS {name}")
                if self.coarse_statistics:  # (a run nested in an outer transaction leaves it as it was)
                    self.x("SET LOCAL default_statistics_target TO DEFAULT")
                self.progress("")  # closes the "finish" step
                result.step_ms.pop("", None)
                result.duration_ms = (time.monotonic() - started) * 1000
                run = RerankRun.objects.create(
                    kind=result.kind,
                    status=RerankRun.Status.DONE,
                    started_at=self.now,
                    finished_at=timezone.now(),
                    since=result.since,
                    changes={
                        "rows": result.changes,
                        "duration_ms": round(result.duration_ms, 1),
                        "step_ms": result.step_ms,
                        "notes": result.notes,
                        **({"score_formula": self.formula} if self.formula else {}),
                        CUTOFFS_KEY: {str(level): value for level, value in self.level_cutoffs.items()},
                    },
                )
                result.run_id = run.pk
                if self.tester_event_ids:
                    TesterEvent.objects.filter(id__in=self.tester_event_ids).update(run=run)
        return result

    def _full(self, result: RunResult, split: Split | None = None) -> None:
        # Every review is scored from its own row and votes: the events are only taken.
        self.take_events(EVENT, EVENT_COLUMNS, into=None)
        self.take_events(REVIEW_CHANGE, "review_id", into=None)
        if split is not None:
            # The parts counted these voters' votes at no weight (no standing row yet); the rows
            # created below give them one, so their reviews are rescored (score_reviews_split).
            self.add_ids(
                "rk_voter",
                f"SELECT u.id FROM {USER} u WHERE NOT EXISTS (SELECT 1 FROM {STANDING} s WHERE s.user_id = u.id)",
            )
        self.ensure_rows_full(result, scores=split is not None or not self.d.pg)
        self.progress("vote pairs")
        self.pairs_full(result)
        self.progress("fraud signals")
        from . import fraud

        fraud.detect_serial(self, result, pairs_scope=None)
        fraud.detect_rings(self, result)
        self.progress("vote weights")
        self.vote_weights(ALL, result)
        self.progress("review scores")
        if split is None:
            self.score_reviews(ALL, result)
        else:
            self.score_reviews_split(split, result)
            self.clear_staging(split.key)
        self.progress("reviewer standings")
        self.standings(ALL, result)
        self.level_cutoffs_full(result)
        self.progress("category standings")
        if self.category_standings(ALL, result) > 10_000:
            self.analyze(CATSTANDING)
        self.progress("settle levels")
        self.settle(result)
        self.progress("category priors")
        self.category_stats(result)
        self.progress("product scores")
        self.product_scores(ALL, result)
        self.progress("ranks")
        self.overall_ranks(result)
        self.category_ranks(ALL, result)
        self.product_ranks(ALL, result)
        self.progress("invited testers")
        from .testers import evaluate_testers

        self.tester_event_ids = evaluate_testers(now=self.now)
        result.add("tester_events", len(self.tester_event_ids))
        cutoff = self.now - timedelta(days=30)
        RerankRun.objects.filter(started_at__lt=cutoff).delete()

    def _incremental(self, result: RunResult) -> None:
        self.progress("find changes")
        self.find_changes(result.since)
        # Casting a vote never changes the voter's weight (level, age, suspension do, found by
        # find_changes and settle): voters of new votes only need a standing row, so their votes
        # count at all. Those whose weight the events do not tell are looked up once, for this and
        # for vote_deltas.
        self.event_voter_weights(result)
        created = self.ensure_standings("SELECT user_id AS id FROM rk_event_voter WHERE weight IS NULL")
        if created:
            self.x(
                f"UPDATE rk_event_voter SET weight = (SELECT st.vote_weight FROM {STANDING} st "
                "WHERE st.user_id = rk_event_voter.user_id) WHERE weight IS NULL"
            )
        result.add("standings_created", created)
        # Candidate voters (7-day birthdays, suspensions, level changes left over): only real
        # weight changes put reviews in scope.
        if self.vote_weights(Scope("rk_voter"), result):
            self.resum_reviews(f"SELECT v.review_id AS id FROM {VOTE} v JOIN rk_weight_new w ON w.user_id = v.user_id")
        if not any(self.count(t) for t in ("rk_review", "rk_user", "rk_product")):
            return
        self.create_temp(TEMP_TABLES)
        self.analyze("rk_review", "rk_user", "rk_voter", "rk_product")
        self.progress("vote pairs")
        self.pairs_incremental(result)
        self.progress("fraud signals")
        from . import fraud

        fraud.detect_serial(self, result, pairs_scope="rk_pair_changed")
        self.progress("review scores")
        self.vote_deltas(result)
        self.analyze("rk_review", "rk_voter")
        self.score_reviews(
            Scope("rk_review"),
            result,
            votes_scope=Scope("rk_review_votes"),
            deltas="rk_vote_delta",
            inputs_scope=Scope("rk_review_inputs"),
        )
        result.notes["reviews_inputs_read"] = self.count("rk_review_inputs")
        # Standings and product scores are sums over score rows: only the rows that changed move them.
        self.add_touched()
        self.progress("reviewer standings")
        self.analyze("rk_user")
        self.standings(Scope("rk_user"), result)
        self.progress("category standings")
        self.category_standings(Scope("rk_user"), result)
        self.progress("settle levels")
        self.settle(result)
        self.progress("product scores")
        self.ensure_category_stats()
        self.product_scores(Scope("rk_product"), result)  # (rk_product: the deleted reviews' products)
        self.progress("ranks")
        # Reviewer ranks (the top-N badges) are refreshed by the nightly full run, like a daily
        # reviewer rank; product ranks of the touched categories are refreshed now.
        # (add_touched listed those of the changed score rows; deleted reviews' products remain.)
        self.add_ids(
            "rk_pcategory",
            f"SELECT category_id AS id FROM {PRODUCT} WHERE id IN (SELECT product_id FROM ranking_rerankpending "
            "WHERE id <= %(pmax)s AND product_id IS NOT NULL)",
            {"pmax": self.pending_max},
        )
        self.product_ranks(Scope("rk_pcategory"), result)

    # --- scope --------------------------------------------------------------------------------

    def find_changes(self, since: datetime) -> None:
        """Fill rk_review / rk_voter / rk_user / rk_product with what changed since `since`."""
        self.find_changed_reviews(since, events=True)
        p = {
            "since": self.dt(since),
            "now": self.dt(self.now),
            "young_lo": self.dt(since - timedelta(days=S.YOUNG_ACCOUNT_DAYS)),
            "young_hi": self.dt(self.now - timedelta(days=S.YOUNG_ACCOUNT_DAYS)),
            "pmax": self.pending_max,
        }
        # Voters whose weight may have changed with no row changing: they turned 7 days old, a
        # suspension started or ended, or the account was deactivated.
        self.add_ids(
            "rk_voter",
            f"SELECT id FROM {USER} WHERE (date_joined > %(young_lo)s AND date_joined <= %(young_hi)s) "
            "OR suspended_until > %(since)s OR is_active = FALSE",
            p,
        )
        # Left over by earlier runs: deleted reviews and unsettled level changes.
        self.add_ids(
            "rk_user", "SELECT user_id AS id FROM ranking_rerankpending WHERE id <= %(pmax)s AND user_id IS NOT NULL", p
        )
        self.add_ids(
            "rk_product",
            "SELECT product_id AS id FROM ranking_rerankpending WHERE id <= %(pmax)s AND product_id IS NOT NULL",
            p,
        )
        self.add_ids(
            "rk_voter",
            "SELECT user_id AS id FROM ranking_rerankpending WHERE id <= %(pmax)s "
            "AND reason IN ('level_changed', 'voter_changed')",
            p,
        )
        # (with their inputs read again: the author's level is one)
        if self.add_ids(
            "rk_review_inputs",
            f"SELECT r.id FROM {REVIEW} r JOIN ranking_rerankpending pe ON pe.user_id = r.author_id "
            "WHERE pe.id <= %(pmax)s AND pe.reason = 'level_changed'",
            p,
        ):
            self.add_ids("rk_review", "SELECT id FROM rk_review_inputs")

    def find_changed_reviews(self, since: datetime, *, events: bool = False) -> None:
        """Add to rk_review the reviews whose own rows, votes, features or flags changed. With
        `events`, the changes are the review changes and vote events this run takes (see
        take_events); without, every review and vote updated after `since` (a split run's final
        step: whatever its parts may not have seen). The reviews whose own rows changed also go to
        rk_review_inputs."""
        p = {"since": self.dt(since), "now": self.dt(self.now)}
        if events:
            self.take_events(REVIEW_CHANGE, "review_id", into="rk_review_inputs")
        else:
            self.add_ids("rk_review_inputs", f"SELECT id FROM {REVIEW} WHERE changed_at > %(since)s", p)
        self.clear("rk_new_vote")
        if events:
            self.take_events(EVENT, EVENT_COLUMNS, into="rk_new_vote")
        else:
            self.x(
                f"INSERT INTO rk_new_vote ({EVENT_COLUMNS}) SELECT id, user_id, review_id, helpful, 'update', NULL, NULL "
                f"FROM {VOTE} WHERE updated_at > %(since)s",
                p,
            )
        # Counted, so later statements plan for them.
        self.analyze("rk_new_vote")
        # The many first, while rk_review is empty (no ON CONFLICT), then the few.
        self.add_ids("rk_review", "SELECT review_id AS id FROM rk_new_vote")
        self.add_ids("rk_review", "SELECT id FROM rk_review_inputs")
        self.add_ids("rk_review", f"SELECT review_id AS id FROM {SCORE} WHERE featured_changed_at > %(since)s", p)
        self.add_ids(
            "rk_review",
            f"SELECT review_id AS id FROM {SCORE} WHERE featured_until > %(since)s AND featured_until <= %(now)s",
            p,
        )
        self.resum_reviews(
            f"SELECT v.review_id AS id FROM {FLAGGED} fv JOIN {FLAG} f ON f.id = fv.flag_id "
            f"JOIN {VOTE} v ON v.id = fv.vote_id WHERE f.updated_at > %(since)s",
            p,
        )

    def take_events(self, table: str, columns: str, *, into: str | None) -> None:
        """Take the events of `table` (vote events or review changes) this run's snapshot sees:
        deleted, so the next run takes only later ones (a run that rolls back leaves them), and
        their `columns` copied `into` a temporary table. An id table (`id` its only column) gets
        each id once: one review may change many times between runs."""
        if into is None:
            copy = ""
        elif TEMP_TABLES[into] == "id BIGINT PRIMARY KEY":
            copy = f"INSERT INTO {into} (id) SELECT DISTINCT {columns} FROM {{}} WHERE TRUE ON CONFLICT (id) DO NOTHING"
        else:
            copy = f"INSERT INTO {into} ({columns}) SELECT {columns} FROM {{}}"
        if self.d.pg:
            # Under the run's one snapshot, DELETE removes exactly the events it sees; those of
            # votes committed meanwhile stay, as their votes stay unseen by this run.
            if into is None:
                self.x(f"DELETE FROM {table}")
            else:
                self.x(f"WITH taken AS (DELETE FROM {table} RETURNING {columns}) " + copy.format("taken"))
            return
        # SQLite has one writer at a time and increasing ids: the events up to the last one seen.
        last = self.scalar(f"SELECT MAX(id) FROM {table}")
        if last is None:
            return
        if into is not None:
            self.x(copy.format(f"(SELECT {columns} FROM {table} WHERE id <= %(last)s) taken"), {"last": last})
        self.x(f"DELETE FROM {table} WHERE id <= %(last)s", {"last": last})

    def event_voter_weights(self, result: RunResult) -> None:
        """Fill rk_event_voter with the voters of the taken vote events whose weight the events
        do not tell, and their vote weight (NULL: no standing). An event recorded its voter's
        weight with the vote-weight version, read together (ranking 0017); every change of a vote
        weight moves the version on in its own transaction, so while this run's snapshot shows
        the event's version, the event's weight is the voter's (see event_weight). Only the
        voters of other events (cast while an earlier run was changing weights, or before the
        voter had a standing) are looked up: on the benchmark that spares ~10 k standing probes."""
        self.weight_version = self.scalar(f"SELECT version FROM {WEIGHT_VERSION} WHERE id = 1")
        result.notes["voter_weights_looked_up"] = result.notes.get("voter_weights_looked_up", 0) + self.x(
            "INSERT INTO rk_event_voter (user_id, weight) SELECT v.user_id, "
            f"(SELECT st.vote_weight FROM {STANDING} st WHERE st.user_id = v.user_id) FROM ("
            "  SELECT DISTINCT user_id FROM rk_new_vote "
            f"  WHERE weight IS NULL OR {self.d.distinct('weight_version', '%(version)s')}"
            ") v",
            {"version": self.weight_version},
        )

    def event_weight(self, event: str, looked_up: str) -> str:
        """SQL for the weight of the voter of vote event `event` (a row of rk_new_vote): the one it
        recorded while its version is current, else the one looked up (`looked_up`, a row of
        rk_event_voter). Parameter: %(version)s."""
        return (
            f"CASE WHEN {event}.weight IS NOT NULL AND {event}.weight_version = %(version)s "
            f"THEN {event}.weight ELSE {looked_up}.weight END"
        )

    def resum_reviews(self, select_sql: str, params: dict | None = None) -> None:
        """Put the reviews `select_sql` yields in scope with all their votes summed again: what
        some of their votes weigh changed (a voter's weight, a cap, a fraud flag)."""
        self.add_ids("rk_review", select_sql, params)
        self.add_ids("rk_review_votes", select_sql, params)

    def vote_deltas(self, result: RunResult) -> None:
        """What the votes cast since the last run (rk_new_vote) add to their reviews' stored sums
        (rk_vote_delta). Exact: a vote counts at its voter's weight, rounded like every summand.
        The reviews where that is not all that changed have all their votes summed again
        (rk_review_votes): a vote changed or withdrawn, a new vote that is capped or flagged, or
        one whose voter has no standing (_incremental gave one to every voter of a new vote, so
        the voter is gone). Every vote a stored sum holds was an event taken by an earlier run,
        which gave its voter a standing: a standing created by this run holds no earlier vote."""
        self.add_ids("rk_review_votes", "SELECT review_id AS id FROM rk_new_vote WHERE kind <> 'insert'")
        self.add_ids(
            "rk_review_votes",
            f"SELECT e.review_id AS id FROM rk_new_vote e JOIN {PAIR} vp ON vp.voter_id = e.user_id "
            f"JOIN {REVIEW} r ON r.id = e.review_id AND r.author_id = vp.author_id "
            f"UNION ALL SELECT e.review_id FROM rk_new_vote e JOIN {FLAGGED} fv ON fv.vote_id = e.vote_id",
        )
        self.clear("rk_vote_delta")
        # Each voter's weight as the run began (a voter whose weight changed since has all their
        # votes summed again); NULL for a voter with no standing.
        w, zero = "e.weight", self.d.lit(0)
        self.x(
            "INSERT INTO rk_vote_delta (review_id, hw, uw, complete) "
            f"SELECT e.review_id, SUM(CASE WHEN e.helpful THEN {w} ELSE {zero} END), "
            f"SUM(CASE WHEN e.helpful THEN {zero} ELSE {w} END), COUNT(e.weight) = COUNT(*) FROM ("
            f"  SELECT n.review_id, n.helpful, {self.event_weight('n', 'ev')} AS weight FROM rk_new_vote n "
            "  LEFT JOIN rk_event_voter ev ON ev.user_id = n.user_id "
            "  WHERE n.review_id NOT IN (SELECT id FROM rk_review_votes)"
            ") e GROUP BY e.review_id",
            {"version": self.weight_version},
        )
        self.add_ids("rk_review_votes", "SELECT review_id AS id FROM rk_vote_delta WHERE NOT complete")
        moved = self.scalar("SELECT COUNT(*) FROM rk_vote_delta WHERE complete") or 0
        result.notes["reviews_moved_by_new_votes"] = result.notes.get("reviews_moved_by_new_votes", 0) + moved

    def ensure_rows_full(self, result: RunResult, *, scores: bool = True) -> None:
        # Reviews without a score row are listed first (a read), then inserted: an anti-join on
        # the very table being filled can turn quadratic.
        # A score row exists only for an existing review (one-to-one, cascading), so equal counts
        # mean none is missing: two index counts instead of an anti-join of a million rows.
        # (score_all finds the missing ones in its own pass over the reviews: `scores=False`.)
        if scores and self.count(REVIEW) != self.count(SCORE):
            self.add_ids(
                "rk_review",
                f"SELECT r.id FROM {REVIEW} r WHERE NOT EXISTS (SELECT 1 FROM {SCORE} s WHERE s.review_id = r.id)",
            )
        result.add(
            "scores_created",
            self.x(
                f"INSERT INTO {SCORE} ({SCORE_KEYS}) SELECT {SCORE_KEY_VALUES} "
                f"FROM {REVIEW} r JOIN {PRODUCT} p ON p.id = r.product_id "
                "WHERE r.id IN (SELECT id FROM rk_review) ON CONFLICT (review_id) DO NOTHING"
            ),
        )
        self.clear("rk_review")
        # Standings and product scores are one-to-one with users and products too (cascading):
        # ON CONFLICT would try, and refuse, an insertion for each of the existing rows.
        if self.count(USER) != self.count(STANDING):
            result.add(
                "standings_created",
                self.x(
                    f"INSERT INTO {STANDING} (user_id, vote_weight) SELECT u.id, {self._weight('1')} FROM {USER} u "
                    "WHERE TRUE ON CONFLICT (user_id) DO NOTHING",
                    self._weight_params(),
                ),
            )
        if self.count(PRODUCT) != self.count(PSCORE):
            result.add(
                "product_scores_created",
                self.x(
                    f"INSERT INTO {PSCORE} (product_id, category_id) SELECT p.id, p.category_id FROM {PRODUCT} p "
                    "WHERE TRUE ON CONFLICT (product_id) DO NOTHING"
                ),
            )
        self.ensure_category_stats()
        if (
            sum(result.changes.get(k, 0) for k in ("scores_created", "standings_created", "product_scores_created"))
            > 1000
        ):
            # Statistics from before a mass insert (the first run) would mislead every later plan.
            self.analyze(SCORE, STANDING, PSCORE)

    def ensure_category_stats(self) -> None:
        self.x(
            f"INSERT INTO {CATSTATS} (category_id) SELECT c.id FROM reviews_category c "
            "WHERE TRUE ON CONFLICT (category_id) DO NOTHING"
        )

    def ensure_standings(self, ids_sql: str, params: dict | None = None) -> int:
        """Create missing standing rows for the user ids `ids_sql` selects, with the weight their
        votes carry at level 1 (a new row's level)."""
        missing = self.missing(ids_sql, STANDING, "user_id")
        return self.x(
            f"INSERT INTO {STANDING} (user_id, vote_weight) SELECT u.id, {self._weight('1')} FROM ({missing}) m "
            f"JOIN {USER} u ON u.id = m.id WHERE TRUE ON CONFLICT (user_id) DO NOTHING",
            {**(params or {}), **self._weight_params()},
        )

    @staticmethod
    def missing(ids_sql: str, table: str, key: str) -> str:
        """SQL for the ids `ids_sql` selects (column `id`) that have no row in `table` (by its key
        `key`): a probe of the key per id, as a scalar subquery PostgreSQL cannot turn into an
        anti-join. As NOT EXISTS it chose a merge anti-join that read every key of the table (100 k
        standings, each a heap fetch: ~50 ms) to find none missing among 10 k ids (~5 ms probed).
        Joined with the rows first, every id in scope was fetched to find the few new ones; ON
        CONFLICT alone would cost a speculative insertion per existing row."""
        return f"SELECT k.id FROM ({ids_sql}) k WHERE (SELECT 1 FROM {table} s WHERE s.{key} = k.id LIMIT 1) IS NULL"

    # --- vote pairs (the cap) ---------------------------------------------------------------------

    def pairs_full(self, result: RunResult) -> None:
        # reviews.VoteTally counts every voter's votes per author, kept exact in each vote's own
        # transaction: the pairs over the cap are read from it, not regrouped from every vote.
        # They are few (a few hundred of ten million tallies) and read through the partial index
        # "tally_repeat_voters", so every run compares all of them with the tracked pairs.
        self.x(
            "INSERT INTO rk_pair_new (voter_id, author_id, votes, helpful_votes) "
            f"SELECT t.voter_id, t.author_id, t.votes, t.helpful_votes FROM {TALLY} t "
            f"WHERE t.votes >= {S.PAIR_MIN_VOTES}"
        )
        self.sync_pairs(result)

    def pairs_incremental(self, result: RunResult) -> None:
        # All pairs over the cap, as on a full run: cheaper than finding the pairs of the new votes
        # (ten thousand lookups of their reviews' authors) to compare only those.
        self.pairs_full(result)
        # A pair whose count changed changes the weight of the voter's other votes on that author.
        self.resum_reviews(
            f"SELECT v.review_id AS id FROM rk_pair_changed c JOIN {REVIEW} r ON r.author_id = c.author_id "
            f"JOIN {VOTE} v ON v.review_id = r.id AND v.user_id = c.voter_id",
        )

    def sync_pairs(self, result: RunResult) -> None:
        """Make the tracked pairs (VotePair) those of rk_pair_new; rk_pair_changed receives the
        pairs that came, went or changed."""
        same = "n.voter_id = vp.voter_id AND n.author_id = vp.author_id"
        self.x(
            "INSERT INTO rk_pair_changed (voter_id, author_id) "
            f"SELECT vp.voter_id, vp.author_id FROM {PAIR} vp WHERE NOT EXISTS "
            f"(SELECT 1 FROM rk_pair_new n WHERE {same} AND n.votes = vp.votes AND n.helpful_votes = vp.helpful_votes)"
        )
        self.x(
            "INSERT INTO rk_pair_changed (voter_id, author_id) SELECT n.voter_id, n.author_id FROM rk_pair_new n "
            f"WHERE NOT EXISTS (SELECT 1 FROM {PAIR} vp WHERE {same} AND n.votes = vp.votes "
            "AND n.helpful_votes = vp.helpful_votes) "
            "ON CONFLICT (voter_id, author_id) DO NOTHING"
        )
        changed = self.x(
            f"DELETE FROM {PAIR} WHERE id IN (SELECT vp.id FROM {PAIR} vp "
            f"WHERE NOT EXISTS (SELECT 1 FROM rk_pair_new n WHERE {same}))"
        )
        changed += self.x(
            f"UPDATE {PAIR} AS vp SET votes = n.votes, helpful_votes = n.helpful_votes FROM rk_pair_new n "
            f"WHERE {same} AND (vp.votes <> n.votes OR vp.helpful_votes <> n.helpful_votes)"
        )
        changed += self.x(
            f"INSERT INTO {PAIR} (voter_id, author_id, votes, helpful_votes) "
            "SELECT n.voter_id, n.author_id, n.votes, n.helpful_votes FROM rk_pair_new n "
            "WHERE TRUE ON CONFLICT (voter_id, author_id) DO NOTHING"
        )
        result.add("vote_pairs", changed)

    # --- vote weights -----------------------------------------------------------------------------

    def _weight(self, level_sql: str) -> str:
        """SQL for the weight of votes cast by user `u` at level `level_sql` (see scoring.py).
        Parameters: %(young)s, %(now)s."""
        lit = self.d.lit
        level_factor = (
            f"CASE {level_sql} "
            + " ".join(f"WHEN {level} THEN {lit(f)}" for level, f in sorted(S.LEVEL_VOTE_FACTORS.items()))
            + f" ELSE {lit(1.0)} END"
        )
        return self.d.rnd(
            f"(CASE WHEN u.date_joined > %(young)s THEN {lit(S.YOUNG_ACCOUNT_FACTOR)} ELSE {lit(1.0)} END)"
            f" * (CASE WHEN u.is_active = FALSE OR (u.suspended_until IS NOT NULL AND u.suspended_until > %(now)s) "
            f"THEN {lit(S.SUSPENDED_FACTOR)} ELSE {lit(1.0)} END)"
            f" * {level_factor}"
        )

    def _weight_params(self) -> dict:
        return {"young": self.dt(self.now - timedelta(days=S.YOUNG_ACCOUNT_DAYS)), "now": self.dt(self.now)}

    def vote_weights(self, scope: Scope, result: RunResult) -> int:
        """Recompute what each voter's votes count for; returns how many changed (in rk_weight_new)."""
        weight = self._weight("st.level")
        self.clear("rk_weight_new")
        differing = self.x(
            "INSERT INTO rk_weight_new (user_id, weight) SELECT c.user_id, c.weight FROM ("
            f"  SELECT st.user_id, st.vote_weight AS old_weight, {weight} AS weight "
            f"  FROM {STANDING} st JOIN {USER} u ON u.id = st.user_id WHERE {scope.on('st.user_id')}"
            f") c WHERE {self.d.distinct('c.old_weight', 'c.weight')}",
            self._weight_params(),
        )
        # (Not even an empty UPDATE: each moves the vote-weight version on, see event_voter_weights.)
        changed = differing and self.x(
            f"UPDATE {STANDING} AS st SET vote_weight = w.weight FROM rk_weight_new w WHERE st.user_id = w.user_id"
        )
        result.add("vote_weights", changed)
        return changed

    # --- review scores ----------------------------------------------------------------------------

    def score_values(
        self,
        scope: Scope,
        votes_scope: Scope | None = None,
        deltas: str | None = None,
        inputs_scope: Scope | None = None,
        levels_scope: Scope | None = None,
    ) -> str:
        """SQL for the new score columns (SCORE_COLUMNS, plus review_id) of the reviews in
        `scope`, with `discover` before a moderator's feature boost (added by _write_scores from
        the score row, so this never reads the score table but for `votes_scope`). With
        `votes_scope` (a table of review ids), only those reviews' votes are summed again; the
        others keep the sums on their score row, plus what `deltas` (see vote_deltas) adds; with
        `inputs_scope` too, only its reviews have their other inputs read again (see score_inputs).
        Parameter: %(now)s."""
        votes, _ = self._vote_sums(votes_scope or scope)
        if votes_scope is not None and not self.count(votes_scope.table):
            votes = None  # no review's votes to sum again: every one keeps its stored sums
        elif scope.table is None:
            # Every vote (or a part's range of them): aggregate once, in parallel where it can.
            vote_agg = self.create_temp_as("rk_vote_agg", votes)
            votes = f"SELECT review_id, hw, uw FROM {vote_agg}"
        return self.score_layers(
            self.score_inputs(
                scope,
                votes,
                fenced=True,
                votes_scope=votes_scope,
                deltas=deltas,
                inputs_scope=inputs_scope,
                levels_scope=levels_scope,
            )
        )

    def _vote_sums(self, scope: Scope, weights: str | None = None) -> tuple[str, str | None]:
        """SQL for each review's weighted helpful and not-helpful sums (review_id, hw, uw).
        With `weights` (a float8[] parameter holding every voter's weight by user id, read instead
        of joining ten million votes with the standings; see score_all), the plain sums and, as a
        second query, the corrections to add to them; otherwise one query and None."""
        d, lit = self.d, self.d.lit
        # Most votes count at their voter's weight; the few capped (one voter's many votes on one
        # author) or flagged as fraud count at a fraction of it. Summed as the plain weights plus a
        # correction for those few, so the ten-million-vote pass joins only the voters' weights.
        capped = (
            f"SELECT v2.id AS vote_id, {lit(S.VOTER_AUTHOR_CAP)} / {d.dbl('vp.votes')} AS cap, {lit(1)} AS fraud "
            f"FROM {PAIR} vp JOIN {REVIEW} r2 ON r2.author_id = vp.author_id "
            f"JOIN {VOTE} v2 ON v2.review_id = r2.id AND v2.user_id = vp.voter_id WHERE {scope.on('r2.id')}"
        )
        flagged = (
            f"SELECT fv.vote_id, {lit(1)} AS cap, CASE f.status WHEN 'confirmed' THEN {lit(S.FLAG_CONFIRMED_FACTOR)} "
            f"WHEN 'open' THEN {lit(S.FLAG_OPEN_FACTOR)} ELSE {lit(1.0)} END AS fraud "
            f"FROM {FLAGGED} fv JOIN {FLAG} f ON f.id = fv.flag_id"
        )
        # Each factor is at most 1 (a cap applies from VOTER_AUTHOR_CAP + 1 votes on), so MIN picks
        # the vote's cap and its strongest flag.
        adjusted = (
            f"SELECT a.vote_id, MIN(a.cap) * MIN(a.fraud) AS factor FROM ({capped} UNION ALL {flagged}) a "
            "GROUP BY a.vote_id"
        )
        weight = f"COALESCE(st.vote_weight, {lit(0)})"
        corrections = (
            f"SELECT v.review_id, CASE WHEN v.helpful THEN {weight} * (adj.factor - 1) ELSE {lit(0)} END AS hw, "
            f"CASE WHEN v.helpful THEN {lit(0)} ELSE {weight} * (adj.factor - 1) END AS uw "
            f"FROM ({adjusted}) adj JOIN {VOTE} v ON v.id = adj.vote_id "
            f"LEFT JOIN {STANDING} st ON st.user_id = v.user_id WHERE {scope.on('v.review_id')}"
        )
        if weights:
            # Plain weights only, grouped on their own so PostgreSQL estimates the groups (through
            # a UNION it guesses 200 and sorts a million partial groups); see score_all.
            plain = f"COALESCE(({weights}::float8[])[v.user_id], {lit(0)})"
            return (
                f"SELECT v.review_id, COALESCE(SUM({plain}) FILTER (WHERE v.helpful), {lit(0)}) AS hw, "
                f"COALESCE(SUM({plain}) FILTER (WHERE NOT v.helpful), {lit(0)}) AS uw "
                f"FROM {VOTE} v WHERE {scope.on('v.review_id')} GROUP BY v.review_id"
            ), f"SELECT c.review_id, SUM(c.hw) AS hw, SUM(c.uw) AS uw FROM ({corrections}) c GROUP BY c.review_id"
        return (
            "SELECT q.review_id, SUM(q.hw) AS hw, SUM(q.uw) AS uw FROM ("
            f"  SELECT v.review_id, CASE WHEN v.helpful THEN {weight} ELSE {lit(0)} END AS hw, "
            f"  CASE WHEN v.helpful THEN {lit(0)} ELSE {weight} END AS uw "
            f"  FROM {VOTE} v LEFT JOIN {STANDING} st ON st.user_id = v.user_id WHERE {scope.on('v.review_id')}"
            f"  UNION ALL {corrections}"
            ") q GROUP BY q.review_id"
        ), None

    def score_inputs(
        self,
        scope: Scope,
        votes: str | None,
        *,
        fenced: bool,
        photos: str | None = None,
        votes_scope: Scope | None = None,
        deltas: str | None = None,
        inputs_scope: Scope | None = None,
        levels_scope: Scope | None = None,
    ) -> str:
        """SQL for what a review's score is computed from (review_id, INPUT_COLUMNS,
        created_epoch): the review's own fields, its weighted vote sums (`votes`), photos and the
        author's level. `fenced` keeps PostgreSQL from merging it into the layers above.

        With `votes_scope` (scoped runs), the reviews outside it keep the weighted sums their
        score row holds (moved by what their new votes add, with `deltas`), and the values carry
        the score row's figures before the write (see _write_scores). With `inputs_scope` (given with it),
        only the reviews in it have their own fields, photos, category and author's level read
        again; the others (a review in scope only for its votes) keep those their score row holds,
        which every change to them puts in `inputs_scope` (see ReviewChange), but for the level of
        an author in `levels_scope`, read again."""
        if votes_scope is not None:
            if inputs_scope is None:
                raise ValueError("a scoped score write that keeps stored sums keeps stored inputs too")
            return self._score_inputs_kept(scope, votes, votes_scope, deltas, inputs_scope, levels_scope)
        d, rnd = self.d, self.d.rnd
        fence = d.fence() if fenced else ""
        photos = photos or self._photo_counts(scope)
        if scope.table:
            # A few thousand reviews: each author's level and product's category by its key, not a
            # hash of every standing and product.
            author_level, level_join = self._author_level("r"), ""
            category, product_join = self._category("r"), ""
        else:
            author_level, level_join = "sa.level", f"LEFT JOIN {STANDING} sa ON sa.user_id = r.author_id "
            category, product_join = "pr.category_id", f"JOIN {PRODUCT} pr ON pr.id = r.product_id "
        return (
            f"SELECT r.id AS review_id, r.product_id, {category} AS category_id, r.author_id, r.created_at, r.rating, "
            "CASE WHEN r.status = 'published' THEN TRUE ELSE FALSE END AS ranked, "
            f"{rnd('COALESCE(va.hw, 0)')} AS helpful_weight, {rnd('COALESCE(va.uw, 0)')} AS unhelpful_weight, "
            f"r.body_length, COALESCE(ph.n, 0) AS photo_count, COALESCE({author_level}, 1) AS author_level, "
            f"{d.epoch('r.created_at')} AS created_epoch "
            # The body's length is a stored generated column: the joins carry no review text.
            f"FROM ({self._review_fields(scope)}{fence}) r {product_join}"
            f"LEFT JOIN ({votes}) va ON va.review_id = r.id LEFT JOIN ({photos}) ph ON ph.review_id = r.id "
            f"{level_join}WHERE {scope.on('r.id')}{fence}"
        )

    def _score_inputs_kept(
        self,
        scope: Scope,
        votes: str | None,
        votes_scope: Scope,
        deltas: str | None,
        inputs_scope: Scope,
        levels_scope: Scope | None,
    ) -> str:
        """score_inputs() for scoped runs: driven by the score rows of `scope` (each review in
        scope has one by now, see score_reviews); the review's own row, photos, category and
        author's level are read only for the reviews in `inputs_scope`. On the benchmark that
        spares ~5 k probes of each of the reviews, photos, products and standings (~60 ms)."""
        d = self.d
        hw, uw, kept_join = self._kept_sums("ks.review_id", votes, votes_scope, deltas)

        def pick(column: str, read: str) -> str:
            return f"CASE WHEN r.id IS NULL THEN ks.{column} ELSE {read} END"

        created_at = pick("created_at", "r.created_at")
        ranked = pick("ranked", "CASE WHEN r.status = 'published' THEN TRUE ELSE FALSE END")
        author_level = pick("author_level", f"COALESCE({self._author_level('r')}, 1)")
        if levels_scope is not None:
            # (a settle round: the authors whose level this run changed)
            author_level = (
                f"CASE WHEN r.id IS NULL AND {levels_scope.on('ks.author_id')} "
                f"THEN COALESCE({self._author_level('ks')}, 1) ELSE {author_level} END"
            )
        return (
            f"SELECT ks.review_id, {pick('product_id', 'r.product_id')} AS product_id, "
            f"{pick('category_id', self._category('r'))} AS category_id, {pick('author_id', 'r.author_id')} AS author_id, "
            f"{created_at} AS created_at, {pick('rating', 'r.rating')} AS rating, "
            f"{ranked} AS ranked, "
            f"{hw} AS helpful_weight, {uw} AS unhelpful_weight, {pick('body_length', 'r.body_length')} AS body_length, "
            f"{pick('photo_count', 'COALESCE(ph.n, 0)')} AS photo_count, "
            f"{author_level} AS author_level, "
            + "".join(f"ks.{c} AS old_{c}, " for c in TOUCHED_COLUMNS)
            + f"{d.epoch(created_at)} AS created_epoch "
            f"FROM {SCORE} ks LEFT JOIN ({self._review_fields(inputs_scope)}{d.fence()}) r ON r.id = ks.review_id "
            f"LEFT JOIN ({self._photo_counts(inputs_scope)}) ph ON ph.review_id = ks.review_id "
            f"{kept_join}WHERE {scope.on('ks.review_id')}{d.fence()}"
        )

    def _kept_sums(
        self, review_id: str, votes: str | None, votes_scope: Scope, deltas: str | None
    ) -> tuple[str, str, str]:
        """The weighted sums of a scoped run (SQL for hw and uw, and the joins they need): summed
        again by `votes` for the reviews in `votes_scope` (None: it is empty); for the others,
        those on the score row `ks` plus what `deltas` (see vote_deltas) adds."""
        rnd = self.d.rnd
        hw, uw, joins = "ks.helpful_weight", "ks.unhelpful_weight", ""
        if deltas:
            hw, uw = rnd("ks.helpful_weight + COALESCE(vd.hw, 0)"), rnd("ks.unhelpful_weight + COALESCE(vd.uw, 0)")
            joins += f"LEFT JOIN {deltas} vd ON vd.review_id = {review_id} "
        if votes is not None:
            joins += f"LEFT JOIN {votes_scope.table} vs ON vs.id = {review_id} "
            joins += f"LEFT JOIN ({votes}) va ON va.review_id = {review_id} "
            hw = f"CASE WHEN vs.id IS NULL THEN {hw} ELSE {rnd('COALESCE(va.hw, 0)')} END"
            uw = f"CASE WHEN vs.id IS NULL THEN {uw} ELSE {rnd('COALESCE(va.uw, 0)')} END"
        return hw, uw, joins

    @staticmethod
    def _review_fields(scope: Scope) -> str:
        return (
            "SELECT id, product_id, author_id, created_at, rating, status, body_length "
            f"FROM {REVIEW} WHERE {scope.on('id')}"
        )

    @staticmethod
    def _photo_counts(scope: Scope) -> str:
        return (
            f"SELECT ph.review_id, COUNT(*) AS n FROM {PHOTO} ph WHERE {scope.on('ph.review_id')} GROUP BY ph.review_id"
        )

    @staticmethod
    def _author_level(review: str) -> str:
        return f"(SELECT sa.level FROM {STANDING} sa WHERE sa.user_id = {review}.author_id)"

    @staticmethod
    def _category(review: str) -> str:
        return f"(SELECT pr.category_id FROM {PRODUCT} pr WHERE pr.id = {review}.product_id)"

    def score_layers(self, inputs: str) -> str:
        """SQL for SCORE_COLUMNS (plus review_id) computed from `inputs` (see score_inputs), layer
        by layer, each fenced so PostgreSQL evaluates every expression once per row."""
        d, lit, rnd = self.d, self.d.lit, self.d.rnd
        l1 = inputs
        z = lit(S.WILSON_Z)
        z2 = lit(S.WILSON_Z**2)
        n = "(l1.helpful_weight + l1.unhelpful_weight)"
        p = f"(l1.helpful_weight / {n})"
        wilson = (
            f"CASE WHEN {n} > 0 THEN ({p} + {z2} / (2 * {n}) - {z} * SQRT({p} * (1 - {p}) / {n} + {z2} / (4 * {n} * {n})))"
            f" / (1 + {z2} / {n}) ELSE {lit(0)} END"
        )
        cw = S.CONTENT_WEIGHTS
        body_len = d.dbl("l1.body_length")
        photo_count = d.dbl("l1.photo_count")
        level_minus_one = d.dbl("l1.author_level - 1")
        length_sig = rnd(f"1 - EXP(-{body_len} / {lit(S.LENGTH_SCALE_CHARS)})")
        photo_sig = rnd(
            f"CASE WHEN l1.photo_count >= {S.PHOTO_SATURATION} THEN {lit(1)} "
            f"ELSE {photo_count} / {lit(S.PHOTO_SATURATION)} END"
        )
        prior = rnd(f"{level_minus_one} / {lit(9)}")
        l2 = (
            f"SELECT l1.*, {rnd(wilson)} AS helpfulness, {length_sig} AS length_signal, {photo_sig} AS photo_signal, "
            f"CASE WHEN l1.body_length >= {S.TEXT_MIN_CHARS} THEN {lit(1)} ELSE {lit(0)} END AS text_signal, "
            f"{prior} AS author_prior FROM ({l1}) l1{d.fence()}"
        )
        content = rnd(
            f"{lit(cw['length'])} * l2.length_signal + {lit(cw['photos'])} * l2.photo_signal "
            f"+ {lit(cw['text'])} * l2.text_signal"
        )
        l3 = f"SELECT l2.*, {content} AS content FROM ({l2}) l2{d.fence()}"
        merit = rnd(f"{lit(S.W_HELPFULNESS)} * l3.helpfulness + {lit(S.W_CONTENT)} * l3.content")
        quality = rnd(
            f"{lit(S.QUALITY_FLOOR)} + {lit(S.W_HELPFULNESS)} * l3.helpfulness + {lit(S.W_CONTENT)} * l3.content "
            f"+ {lit(S.W_AUTHOR)} * l3.author_prior"
        )
        l4 = f"SELECT l3.*, {merit} AS merit, {quality} AS quality FROM ({l3}) l3{d.fence()}"
        discover = rnd(f"LN(l4.quality) + (l4.created_epoch - {lit(S.EPOCH_ORIGIN)}) / {lit(S.DISCOVER_TAU_SECONDS)}")
        l5 = f"SELECT l4.*, {discover} AS discover FROM ({l4}) l4{d.fence()}"
        return l5

    def score_reviews(
        self,
        scope: Scope,
        result: RunResult,
        votes_scope: Scope | None = None,
        deltas: str | None = None,
        inputs_scope: Scope | None = None,
        levels_scope: Scope | None = None,
    ) -> int:
        """Write the new scores of the reviews in `scope` (only rows whose values differ). With
        `votes_scope`, only its reviews' votes are summed again, and with `inputs_scope` only its
        reviews' other inputs (and the levels of the authors in `levels_scope`) read again (see
        score_values)."""
        if scope.table:
            # The ids without a score row first (a probe of the score key each), then only those
            # reviews read: joined first, every review in scope was fetched to find the few new ones.
            # A review's creation is a review change (ranking 0016): in an incremental run's first
            # pass only the reviews in `inputs_scope` can lack a score row. (One that a bulk path
            # wrote with the triggers off waits for the nightly full run.) Probing only those
            # spares ~5 k probes of the score key (~15 ms); a settle round probes all its reviews.
            candidates = inputs_scope.table if inputs_scope and levels_scope is None else scope.table
            create = (
                f"INSERT INTO {SCORE} ({SCORE_KEYS}) SELECT {SCORE_KEY_VALUES} FROM ("
                f"{self.missing(f'SELECT id FROM {candidates}', SCORE, 'review_id')}"
                f") m JOIN {REVIEW} r ON r.id = m.id JOIN {PRODUCT} p ON p.id = r.product_id "
                "WHERE TRUE ON CONFLICT (review_id) DO NOTHING"
            )
            if votes_scope is None:
                self.x(create)
            elif self.d.pg:
                # A score row created now holds no sums nor inputs yet: its votes are summed and
                # its inputs read.
                to_inputs = (
                    f", inputs AS (INSERT INTO {inputs_scope.table} (id) SELECT review_id FROM created "
                    "ON CONFLICT (id) DO NOTHING)"
                    if inputs_scope
                    else ""
                )
                self.x(
                    f"WITH created AS ({create} RETURNING review_id){to_inputs} INSERT INTO {votes_scope.table} (id) "
                    "SELECT review_id FROM created ON CONFLICT (id) DO NOTHING"
                )
            else:
                missing = self.missing(f"SELECT id FROM {candidates}", SCORE, "review_id")
                self.add_ids(votes_scope.table, missing)
                if inputs_scope:
                    self.add_ids(inputs_scope.table, missing)
                self.x(create)
        if scope.everything and self.d.pg:
            return self.score_all(result)
        return self._write_scores(
            self.score_values(scope, votes_scope, deltas, inputs_scope, levels_scope),
            {},
            result,
            record=scope if scope.table else None,
            old_in_values=votes_scope is not None,
        )

    def score_formula(self) -> str:
        """A fingerprint of the score formula (every expression and constant of score_layers and
        the feature boost): a full run recomputes every review's figures when it changed."""
        text = self.score_layers("inputs") + repr(sorted(self._new_score_columns().items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _voter_weights(self) -> str | None:
        """Every voter's vote weight, indexed by user id (a PostgreSQL array starts at 1), as the
        text of a float8[] literal; None when the ids are too sparse or many for one parameter.
        Text because psycopg takes ~150 ms to send a list of 100 k floats as an array and the
        server ~15 ms to read this (repr keeps each float exact, so runs stay bit-identical)."""
        top = self.scalar(f"SELECT MAX(user_id) FROM {STANDING}") or 0
        if top > MAX_WEIGHT_ARRAY:
            return None
        weights = [0.0] * top
        for user_id, weight in self.rows(f"SELECT user_id, vote_weight FROM {STANDING}"):
            weights[user_id - 1] = weight
        return "{" + ",".join(map(repr, weights)) + "}"

    def score_all(self, result: RunResult) -> int:
        """The full run's score step on PostgreSQL, in parallel where PostgreSQL allows it.

        Every input of every score is recomputed from the base tables: the weighted sums of all
        votes, each review's status, length, photos, product and category, and its author's level.
        The score figures are a pure function of those inputs (score_layers), so they are
        recomputed for the reviews whose inputs differ from the stored ones, those with a
        moderator's feature (its boost depends on the time) and those never scored; all of them
        when the formula changed since the last full run (score_formula). The layered formula must
        be fenced and so runs in one backend: evaluating it on a million unchanged rows cost ~7 s."""
        weights = self._voter_weights()
        # A ten-million-vote aggregate: reading each voter's weight from an array parameter
        # instead of a hash join with the standings takes it from ~3.5 s to ~1.3 s on two cores.
        votes, corrections = self._vote_sums(ALL, "%(weights)s" if weights is not None else None)
        # Grouped as the covering index "vote_review_cover" streams the votes in review order: a
        # hash of a million groups (the planner's choice) costs ~0.7 s more on two cores.
        self.x("SET LOCAL enable_hashagg = off")
        vote_agg = self.create_temp_as("rk_vote_agg", votes, {"weights": weights} if weights is not None else {})
        self.x("SET LOCAL enable_hashagg TO DEFAULT")
        if corrections:
            self.x(
                f"UPDATE {vote_agg} AS a SET hw = a.hw + c.hw, uw = a.uw + c.uw FROM ({corrections}) c "
                "WHERE a.review_id = c.review_id"
            )
        # Counted once: as a subquery, each parallel worker would count every photo again. Streamed
        # from the photos' review index like the votes (~0.17 s against ~0.45 s hashed).
        self.x("SET LOCAL enable_hashagg = off")
        photo_counts = self.create_temp_as(
            "rk_photo_counts", f"SELECT review_id, COUNT(*) AS n FROM {PHOTO} GROUP BY review_id"
        )
        self.x("SET LOCAL enable_hashagg TO DEFAULT")
        inputs = self.score_inputs(
            ALL,
            f"SELECT review_id, hw, uw FROM {vote_agg}",
            fenced=False,
            photos=f"SELECT review_id, n FROM {photo_counts}",
        )
        self.formula = self.score_formula()
        last = self.last_done_run(kind=RerankRun.Kind.FULL)
        if last is None or (last.changes or {}).get("score_formula") != self.formula:
            result.notes["score_formula_changed"] = 1
            stale = "TRUE"
        else:
            stale = " OR ".join(
                [
                    *(self.d.distinct(f"t.{c}", f"i.{c}") for c in INPUT_COLUMNS),
                    "t.featured_until IS NOT NULL",
                    # Every computed quality is at least QUALITY_FLOOR; a new score row holds 0.
                    f"t.quality < {self.d.lit(S.QUALITY_FLOOR / 2)}",
                ]
            )
        changed_inputs = self.create_temp_as(
            "rk_score_inputs",
            f"SELECT i.*, t.review_id IS NULL AS unscored FROM ({inputs}) i "
            f"LEFT JOIN {SCORE} t ON t.review_id = i.review_id WHERE t.review_id IS NULL OR {stale}",
        )
        # Reviews with no score row yet (new since the last run): created here, from the same pass.
        created = self.x(
            f"INSERT INTO {SCORE} ({SCORE_KEYS}) SELECT {SCORE_KEYS} FROM {changed_inputs} WHERE unscored "
            "ON CONFLICT (review_id) DO NOTHING"
        )
        result.add("scores_created", created)
        if created > 1000:
            self.analyze(SCORE)
        return self._write_scores(
            self.score_layers(f"SELECT * FROM {changed_inputs}"), {}, result, bulk=stale == "TRUE"
        )

    def _write_scores(
        self,
        values_sql: str,
        params: dict,
        result: RunResult,
        *,
        bulk: bool = False,
        record: Scope | None = None,
        old_in_values: bool = False,
    ) -> int:
        """Write the scores `values_sql` computes where they differ from the stored ones. With
        `record` (a scoped write: the reviews in that scope), rk_touched receives the rows that
        changed, with their keys and product inputs before and after: only those change
        standings and products (see add_touched and record_product_deltas)."""
        new = self._new_score_columns()
        changed = self.d.any_distinct((f"t.{c}", expr) for c, expr in new.items())
        params = {**params, "now": self.dt(self.now)}
        if record is not None:
            count = self._write_scores_recorded(values_sql, params, new, changed, record, old_in_values)
            result.add("review_scores", count)
            return count
        if bulk and self.d.pg:
            # A million rows: computed and compared with the stored ones by a parallel CREATE TABLE
            # AS; the (serial) UPDATE then only touches the rows that differ.
            diff = self.create_temp_as(
                "rk_score_diff",
                f"SELECT c.review_id, {', '.join(f'{expr} AS {col}' for col, expr in new.items())} "
                f"FROM ({values_sql}) c JOIN {SCORE} t ON t.review_id = c.review_id WHERE {changed}",
                params,
            )
            sets = ", ".join(f"{c} = d.{c}" for c in new)
            count = self.x(
                f"UPDATE {SCORE} AS t SET {sets}, updated_at = %(now)s FROM {diff} d WHERE t.review_id = d.review_id",
                params,
            )
        else:
            sets = ", ".join(f"{c} = {expr}" for c, expr in new.items())
            count = self.x(
                f"UPDATE {SCORE} AS t SET {sets}, updated_at = %(now)s FROM ({values_sql}) c "
                f"WHERE t.review_id = c.review_id AND {changed}",
                params,
            )
        result.add("review_scores", count)
        if count > 10_000:
            self.analyze(SCORE)  # e.g. `ranked` flipped on a million rows: stale statistics mislead
        return count

    def _write_scores_recorded(
        self, values_sql: str, params: dict, new: dict[str, str], changed: str, record: Scope, old_in_values: bool
    ) -> int:
        sets = ", ".join(f"{c} = {expr}" for c, expr in new.items())
        kept = list(TOUCHED_COLUMNS)
        touched_cols = ", ".join(["review_id", *kept, *(f"old_{c}" for c in kept)])
        self.clear("rk_touched")
        if self.d.pg:
            # The values before the write come from the score rows as the statement's snapshot
            # sees them (carried by the values from the score row they read, `old_in_values`);
            # RETURNING gives those after.
            with_old = (
                values_sql
                if old_in_values
                else (
                    f"SELECT c.*, {', '.join(f'o.{c} AS old_{c}' for c in kept)} "
                    f"FROM ({values_sql}) c JOIN {SCORE} o ON o.review_id = c.review_id"
                )
            )
            count = self.x(
                f"WITH changed AS (UPDATE {SCORE} AS t SET {sets}, updated_at = %(now)s FROM ("
                f"  {with_old}"
                f") c WHERE t.review_id = c.review_id AND {changed} "
                f"RETURNING t.review_id, {', '.join(f't.{c}' for c in kept)}, {', '.join(f'c.old_{c}' for c in kept)}"
                f") INSERT INTO rk_touched ({touched_cols}) SELECT {touched_cols} FROM changed",
                params,
            )
        else:
            count = self._write_scores_recorded_sqlite(values_sql, params, sets, changed, record, kept)
        self.record_product_deltas()
        return count

    def _write_scores_recorded_sqlite(
        self, values_sql: str, params: dict, sets: str, changed: str, record: Scope, kept: list[str]
    ) -> int:
        # SQLite's RETURNING sees only the updated table: the values before are copied first.
        self.clear("rk_old_values")
        self.x(
            f"INSERT INTO rk_old_values (review_id, {', '.join(kept)}) "
            f"SELECT review_id, {', '.join(kept)} FROM {SCORE} WHERE {record.on('review_id')}"
        )
        ids = self.rows(
            f"UPDATE {SCORE} AS t SET {sets}, updated_at = %(now)s FROM ({values_sql}) c "
            f"WHERE t.review_id = c.review_id AND {changed} RETURNING review_id",
            params,
        )
        if ids:
            self.insert_many("INSERT INTO rk_touched (review_id) VALUES (%s)", ids)
            self.x(
                f"UPDATE rk_touched SET {', '.join(f'{c} = s.{c}, old_{c} = o.{c}' for c in kept)} "
                f"FROM {SCORE} s, rk_old_values o WHERE s.review_id = rk_touched.review_id "
                "AND o.review_id = rk_touched.review_id"
            )
        return len(ids)

    def record_product_deltas(self) -> None:
        """Add what the score rows just changed (rk_touched) add to and take from their products'
        sums. Exact: every quality is rounded to ROUND_DIGITS decimals, so a sum moved by the
        differences and rounded again equals the sum recounted (see product_scores). A score row
        created in this run is not ranked before its first write, so it takes nothing away."""
        d = self.d
        self.x(
            "INSERT INTO rk_product_delta (product_id, category_id, n, ratings, w, wr) "
            f"SELECT product_id, category_id, 1, {d.dbl('rating')}, quality, quality * rating FROM rk_touched "
            f"WHERE ranked UNION ALL SELECT old_product_id, old_category_id, -1, -{d.dbl('old_rating')}, -old_quality, "
            "-(old_quality * old_rating) FROM rk_touched WHERE old_ranked"
        )
        # Only the product of a score row created in this run (a quality of 0 before its first
        # write) or moved to it can lack a product score: the run that first wrote any other row
        # gave its product one. (Probing every product in scope cost ~6 ms on the benchmark.)
        self.x(
            f"INSERT INTO {PSCORE} (product_id, category_id) SELECT p.id, p.category_id FROM ("
            + self.missing(
                "SELECT product_id AS id FROM rk_touched "
                f"WHERE old_quality < {d.lit(S.QUALITY_FLOOR / 2)} OR {d.distinct('old_product_id', 'product_id')}",
                PSCORE,
                "product_id",
            )
            + f") m JOIN {PRODUCT} p ON p.id = m.id WHERE TRUE ON CONFLICT (product_id) DO NOTHING"
        )

    def add_touched(self) -> None:
        """Put the authors and categories of the score rows the last scoped write changed (before
        and after the write) in rk_user and rk_pcategory. (Their products' sums move by what
        record_product_deltas recorded; a product whose rows stayed unranked has nothing to move.)"""
        # (The "before" side only where it differs: a row seldom changes author or product.)
        d = self.d
        self.add_ids(
            "rk_user",
            "SELECT author_id AS id FROM rk_touched "
            f"UNION ALL SELECT old_author_id FROM rk_touched WHERE {d.distinct('old_author_id', 'author_id')}",
        )
        # (A score row carries its product's category: the product ranks to number again.)
        self.add_ids(
            "rk_pcategory",
            "SELECT category_id AS id FROM rk_touched "
            f"UNION ALL SELECT old_category_id FROM rk_touched WHERE {d.distinct('old_category_id', 'category_id')}",
        )

    # --- split full runs (ranking.tasks.rerank_part / rerank_split) ------------------------------

    def _new_score_columns(self) -> dict[str, str]:
        """SQL for each stored score column from the computed values `c` and the score row `t`:
        the computed value, with a moderator's feature boost added to `discover`."""
        lit = self.d.lit
        boost = (
            f"CASE WHEN t.featured_until IS NOT NULL AND t.featured_until > %(now)s "
            f"THEN {lit(math.log(S.FEATURE_BOOST))} ELSE {lit(0)} END"
        )
        return {c: f"c.{c}" for c in SCORE_COLUMNS} | {"discover": self.d.rnd(f"c.discover + {boost}")}

    def stage_scores(self, scope: Scope, key: str) -> int:
        """Stage the scores of `scope` that differ from the stored ones (or have no score row
        yet): on a steady night that is a few thousand rows, not a million, so staging and the
        final write stay small. The final step rescores whatever changed after this snapshot."""
        cols = ", ".join(SCORE_COLUMNS)
        changed = self.d.any_distinct((f"t.{c}", expr) for c, expr in self._new_score_columns().items())
        return self.x(
            f"INSERT INTO {STAGED} (run_key, review_id, {cols}) "
            f"SELECT %(key)s, c.review_id, {', '.join('c.' + c for c in SCORE_COLUMNS)} "
            f"FROM ({self.score_values(scope)}) c LEFT JOIN {SCORE} t ON t.review_id = c.review_id "
            f"WHERE t.review_id IS NULL OR {changed}",
            {"key": key, "now": self.dt(self.now)},
        )

    def stage_part(self, *, key: str, low: int, high: int) -> int:
        """One part of a split full run, in its own transaction: stage the scores of the reviews
        with low <= id < high as this snapshot sees them. Writes only staging rows; the final
        step (run(full=True, split=...)) checks what changed since and commits the ranking."""
        began = self.now
        with transaction.atomic():
            outermost_pg = self.d.pg and connection.in_atomic_block and len(connection.atomic_blocks) == 1
            with connection.cursor() as cursor:
                self.cursor = cursor
                if outermost_pg:
                    self.x("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                if self.d.pg:
                    self.x("SET LOCAL work_mem = '256MB'")
                self.x(
                    f"DELETE FROM {STAGED} WHERE run_key = %(key)s AND {Scope(None, low, high).on('review_id')}",
                    {"key": key},
                )
                rows = self.stage_scores(Scope(None, low, high), key)
                for name in self.dropped_at_end:
                    self.x(f"DROP TABLE IF EXISTS {name}")
                if self.coarse_statistics:  # (a run nested in an outer transaction leaves it as it was)
                    self.x("SET LOCAL default_statistics_target TO DEFAULT")
                self.temp_tables, self.dropped_at_end = [], []
            StagedPart.objects.filter(run_key=key, low_id=low).delete()
            StagedPart.objects.create(
                run_key=key, low_id=low, high_id=high, started_at=began, finished_at=timezone.now(), rows=rows
            )
        return rows

    def score_reviews_split(self, split: Split, result: RunResult) -> int:
        """The score step of a split full run: take the parts' staged scores, recompute those
        that may have changed after the earliest part's snapshot (or that this run's vote
        pairs, fraud flags and vote weights changed), then write them all at once."""
        self.formula = self.score_formula()  # every part computed every score with this formula
        parts = {p.low_id: p for p in StagedPart.objects.filter(run_key=split.key)}
        for low, high in split.ranges:
            part = parts.get(low)
            if part is None or part.high_id != high:
                # A part that never ran or ran over another range: compute it here, in this run.
                self.x(
                    f"DELETE FROM {STAGED} WHERE run_key = %(key)s AND {Scope(None, low, high).on('review_id')}",
                    {"key": split.key},
                )
                self.stage_scores(Scope(None, low, high), split.key)
                result.notes["parts_computed_by_final_step"] = result.notes.get("parts_computed_by_final_step", 0) + 1
        began = min((p.started_at for p in parts.values()), default=self.now)
        since = began - settings.RANKING_WATERMARK_OVERLAP
        # rk_review already holds the reviews of votes this run's fraud detection flagged.
        self.find_changed_reviews(since)
        self.add_ids(
            "rk_review", f"SELECT v.review_id AS id FROM {VOTE} v JOIN rk_weight_new w ON w.user_id = v.user_id"
        )
        # Voters who had no standing row when the parts ran (see _full).
        self.add_ids("rk_review", f"SELECT v.review_id AS id FROM {VOTE} v JOIN rk_voter n ON n.id = v.user_id")
        self.add_ids(
            "rk_review",
            f"SELECT v.review_id AS id FROM rk_pair_changed c JOIN {REVIEW} r ON r.author_id = c.author_id "
            f"JOIN {VOTE} v ON v.review_id = r.id AND v.user_id = c.voter_id",
        )
        # Statistics first: planned blind, the DELETE below probed a million staged rows per id.
        self.analyze("rk_review", STAGED)
        rescored = result.notes["reviews_rescored_after_parts"] = self.count("rk_review")
        if rescored:
            self.x(
                f"DELETE FROM {STAGED} WHERE run_key = %(key)s AND review_id IN (SELECT id FROM rk_review)",
                {"key": split.key},
            )
            self.stage_scores(Scope("rk_review"), split.key)
        cols = ", ".join(SCORE_COLUMNS)
        return self._write_scores(
            f"SELECT review_id, {cols} FROM {STAGED} WHERE run_key = %(key)s", {"key": split.key}, result, bulk=True
        )

    def clear_staging(self, key: str) -> None:
        if self.d.pg:
            # The run holds the rerank lock, so no other split is staging: TRUNCATE is safe and
            # far cheaper than deleting a million rows (and rolls back with the run).
            self.x(f"TRUNCATE {STAGED}")
        else:
            self.x(f"DELETE FROM {STAGED}")
        StagedPart.objects.all().delete()

    # --- reviewer standings ---------------------------------------------------------------------

    def _review_points(self, row: str = "sc.") -> str:
        """Reputation points of one ranked score row (see scoring.py): `row` prefixes its columns
        ("sc." for a score row, "t.old_" for the values before a write in rk_touched). Rounded,
        so sums moved by differences equal sums recounted (see standings)."""
        lit = self.d.lit
        return self.d.rnd(
            f"({lit(S.VOTE_POINTS)} * ({row}helpful_weight - {lit(S.UNHELPFUL_PENALTY)} * {row}unhelpful_weight) "
            f"+ {lit(S.MERIT_POINTS)} * {row}merit) "
            f"* CASE WHEN {row}created_at >= %(old)s THEN {lit(1)} ELSE {lit(S.OLD_REVIEW_FACTOR)} END"
        )

    def _level_sql(self, row: str) -> str:
        """SQL for the level of the standing figures `row` (reputation, review_count,
        helpful_weight_received): scoring.level_for with the run's cut-offs."""
        lit, thresholds, cutoffs = self.d.lit, S.level_thresholds(), self.level_cutoffs
        whens = []
        for rule in reversed(S.LEVEL_RULES):
            routes = []
            if rule.level <= len(thresholds):
                routes.append(f"{row}.reputation >= {lit(thresholds[rule.level - 1])}")
            if cutoffs.get(rule.level) is not None:
                routes.append(
                    f"({row}.reputation >= {lit(cutoffs[rule.level])} AND {row}.review_count >= {rule.min_reviews} "
                    f"AND {row}.helpful_weight_received >= {lit(rule.min_helpful_weight)})"
                )
            if routes:
                whens.append(f"WHEN {' OR '.join(routes)} THEN {rule.level}")
        return f"CASE {' '.join(whens)} ELSE 1 END" if whens else "1"

    def level_cutoffs_full(self, result: RunResult) -> None:
        """Full runs: the community route's cut-offs from the reputations just computed
        (ranking.levels); when they moved, every standing's level is set again and the changes
        go to rk_level_changed for settle."""
        from .levels import compute_cutoffs

        cutoffs, active = compute_cutoffs(self)
        result.notes["active_reviewers"] = active
        if cutoffs == self.level_cutoffs:
            return
        self.level_cutoffs = cutoffs
        level = self._level_sql("st")
        self.x(
            f"INSERT INTO rk_level_changed (id) SELECT st.user_id FROM {STANDING} st WHERE st.level <> {level} "
            "AND NOT EXISTS (SELECT 1 FROM rk_level_changed c WHERE c.id = st.user_id)"
        )
        result.add("standings", self.x(f"UPDATE {STANDING} AS st SET level = {level} WHERE st.level <> {level}"))

    def _time_params(self) -> dict:
        now = self.now
        return {
            "now": self.dt(now),
            "old": self.dt(now - timedelta(days=S.RECENT_REVIEW_DAYS)),
            "recent": self.dt(now - timedelta(days=settings.RANKING_TESTER_RECENT_DAYS)),
            "act": self.dt(now - timedelta(seconds=S.ACTIVITY_PERIOD_SECONDS * S.ACTIVITY_PERIODS)),
        }

    def standings(self, scope: Scope, result: RunResult) -> int:
        """Recompute reputation and level; level changes land in rk_level_changed. Returns the
        number of standings whose reputation or counts changed."""
        d, lit, rnd = self.d, self.d.lit, self.d.rnd
        level = self._level_sql("b")
        moved = None
        if scope.table:
            # Only an author of a score row created in this run (it holds a quality of 0 before its
            # first write: every computed quality is at least QUALITY_FLOOR) or of one that changed
            # author can lack a standing: the run that first wrote any other row gave its author
            # one. Probing every author in scope cost ~12 ms on the benchmark.
            self.ensure_standings(
                "SELECT author_id AS id FROM rk_touched "
                f"WHERE old_quality < {self.d.lit(S.QUALITY_FLOOR / 2)} OR {self.d.distinct('old_author_id', 'author_id')}"
            )
            # Authors whose sums only moved come from the differences; the others are summed below.
            moved = self._moved_standings(scope.table)
            scope = Scope("rk_user_recount")
            result.notes["standings_recounted"] = result.notes.get("standings_recounted", 0) + self.count(scope.table)
        agg = self._standing_sums(scope.on("sc.author_id"))
        if scope.everything:
            # A million score rows: aggregated once, in parallel where the database can.
            author_agg = self.create_temp_as("rk_author_agg", agg, self._time_params())
            agg = f"SELECT * FROM {author_agg}"
        figures = (
            f"SELECT st.user_id, st.level AS old_level, {STORED_STANDING_SELECT}, {self._row_address('st')}"
            "COALESCE(a.review_count, 0) AS review_count, COALESCE(a.recent_review_count, 0) AS recent_review_count, "
            f"{rnd('COALESCE(a.hw, 0)')} AS helpful_weight_received, "
            f"{rnd('COALESCE(a.uw, 0)')} AS unhelpful_weight_received, "
            f"COALESCE(a.active_periods, 0) AS active_periods, {rnd('COALESCE(a.points, 0)')} AS review_points "
            f"FROM {STANDING} st LEFT JOIN ({agg}) a "
            f"ON a.author_id = st.user_id WHERE {scope.on('st.user_id')}"
        )
        if moved:
            figures = f"{figures} UNION ALL {moved}"
        raw = f"f.review_points + {lit(S.ACTIVITY_POINTS)} * f.active_periods"
        b = f"SELECT f.*, {rnd(f'CASE WHEN {raw} > 0 THEN {raw} ELSE {lit(0)} END')} AS reputation FROM ({figures}) f"
        columns = [
            "reputation",
            "level",
            "review_count",
            "recent_review_count",
            "helpful_weight_received",
            "unhelpful_weight_received",
            "active_periods",
            "review_points",
        ]
        self.clear("rk_standing_new", "rk_level_changed")
        # A standing never summed (review_points NULL) and with nothing to sum is left as it is:
        # a scoped run counts it from its score rows when it has some.
        stored = {col: f"c.stored_{col}" for col in STORED_STANDING_COLUMNS} | {
            "level": "c.old_level",
            "review_points": f"COALESCE(c.stored_review_points, {lit(0)})",
        }
        differing = (
            f"SELECT c.user_id, c.old_level, {'c.tid, ' if self.d.pg else ''}{', '.join('c.' + c for c in columns)} FROM ("
            f"  SELECT b.*, {level} AS level FROM ({b}) b"
            f") c WHERE {d.any_distinct((stored[col], f'c.{col}') for col in columns)}"
        )
        sets = f"{', '.join(f'{c} = n.{c}' for c in columns)}, updated_at = %(now)s"
        if scope.everything and self.d.pg:
            # Every reviewer: compared in parallel (an INSERT ... SELECT never is).
            new = self.create_temp_as("rk_standing_all", differing, self._time_params())
        elif self.d.pg:
            # One statement: the new figures, their write (each standing found again by the address
            # of the row its figures were read from, not by a second probe of its key) and the
            # level changes. (~10 ms less than through rk_standing_new on the benchmark.)
            level_ups = (
                ", up AS (INSERT INTO rk_level_up (id) SELECT user_id FROM upd WHERE level > old_level "
                "ON CONFLICT (id) DO NOTHING)"
                if "rk_level_up" in self.temp_tables
                else ""
            )
            changed = self.scalar(
                f"WITH n AS ({differing}), upd AS (UPDATE {STANDING} AS st SET {sets} FROM n WHERE st.ctid = n.tid "
                "RETURNING st.user_id, n.old_level, st.level), "
                "lc AS (INSERT INTO rk_level_changed (id) SELECT user_id FROM upd WHERE level <> old_level)"
                f"{level_ups} SELECT COUNT(*) FROM upd",
                self._time_params(),
            )
            result.add("standings", changed)
            return changed
        else:
            new = "rk_standing_new"
            self.x(
                f"INSERT INTO rk_standing_new (user_id, old_level, {', '.join(columns)}) {differing}",
                self._time_params(),
            )
        changed = self.x(
            f"UPDATE {STANDING} AS st SET {sets} FROM {new} n WHERE st.user_id = n.user_id", self._time_params()
        )
        self.x(f"INSERT INTO rk_level_changed (id) SELECT user_id FROM {new} WHERE level <> old_level")
        if "rk_level_up" in self.temp_tables:
            self.x(
                f"INSERT INTO rk_level_up (id) SELECT user_id FROM {new} WHERE level > old_level "
                "ON CONFLICT (id) DO NOTHING"
            )
        result.add("standings", changed)
        if changed > 10_000:
            self.analyze(STANDING)
        return changed

    def _standing_sums(self, where: str) -> str:
        """SQL for the sums over the ranked score rows `sc` that `where` selects, per author
        (author_id, review_count, recent_review_count, hw, uw, points, active_periods).
        Parameters: see _time_params."""
        d, lit = self.d, self.d.lit
        now_epoch = lit(self.now.timestamp())
        if self.d.pg:
            # One level of grouping: the active periods travel as a bit set per author (bit k + 1
            # for period k, bit 0 for a review dated after `now`, which the two-level grouping
            # below also counts as a period of its own), so PostgreSQL can pre-aggregate in each
            # worker (two levels cost the full run ~1 s more).
            bit = (
                f"CASE WHEN sc.created_at >= %(act)s THEN CAST(1 AS INTEGER) << (1 + GREATEST(-1, CAST(FLOOR(("
                f"{now_epoch} - {d.epoch('sc.created_at')}) / {lit(S.ACTIVITY_PERIOD_SECONDS)}) AS INTEGER))) "
                "ELSE 0 END"
            )
            periods = " + ".join(f"((p.periods >> {k}) & 1)" for k in range(S.ACTIVITY_PERIODS + 2))
            return (
                "SELECT p.author_id, p.review_count, p.recent_review_count, p.hw, p.uw, p.points, "
                f"{periods} AS active_periods FROM ("
                "  SELECT sc.author_id, COUNT(*) AS review_count, "
                "  SUM(CASE WHEN sc.created_at >= %(recent)s THEN 1 ELSE 0 END) AS recent_review_count, "
                f"  SUM(sc.helpful_weight) AS hw, SUM(sc.unhelpful_weight) AS uw, SUM({self._review_points()}) AS points, "
                f"  BIT_OR({bit}) AS periods FROM {SCORE} sc WHERE sc.ranked AND {where} "
                "  GROUP BY sc.author_id"
                ") p"
            )
        # Two levels instead of COUNT(DISTINCT period): the inner one groups by (author, active
        # period or NULL), so both levels can hash instead of sorting.
        period = (
            f"CASE WHEN sc.created_at >= %(act)s THEN FLOOR(({now_epoch} - {d.epoch('sc.created_at')}) "
            f"/ {lit(S.ACTIVITY_PERIOD_SECONDS)}) END"
        )
        return (
            "SELECT p.author_id, SUM(p.n) AS review_count, SUM(p.recent) AS recent_review_count, "
            "SUM(p.hw) AS hw, SUM(p.uw) AS uw, SUM(p.points) AS points, COUNT(p.period) AS active_periods FROM ("
            f"  SELECT sc.author_id, {period} AS period, COUNT(*) AS n, "
            "  SUM(CASE WHEN sc.created_at >= %(recent)s THEN 1 ELSE 0 END) AS recent, "
            f"  SUM(sc.helpful_weight) AS hw, SUM(sc.unhelpful_weight) AS uw, SUM({self._review_points()}) AS points "
            f"  FROM {SCORE} sc WHERE sc.ranked AND {where} GROUP BY sc.author_id, {period}"
            ") p GROUP BY p.author_id"
        )

    def _row_address(self, row: str) -> str:
        """PostgreSQL: `row`'s physical address (ctid) as a column `tid`, with a trailing comma;
        elsewhere nothing. Within the run's one snapshot, an UPDATE finds the row again by it
        with one page read instead of a walk down the key's index."""
        return f"{row}.ctid AS tid, " if self.d.pg else ""

    def _moved_standings(self, scope_table: str) -> str:
        """Scoped runs: SQL for the new figures (as standings() lists them) of the authors in
        `scope_table` whose changed score rows (rk_touched) only moved their sums: each changed
        row stayed ranked (or unranked), by the same author, with the same date, so the counts and
        active periods stand and the sums move by what the rows add and take (exact: every
        summand is rounded, see _review_points). The other authors of `scope_table` land in
        rk_user_recount, counted again from their score rows: rows that came, went or moved,
        deleted reviews (RerankPending). A standing never summed (review_points NULL) is counted
        again too: on PostgreSQL by the figures themselves, from a lateral sum that runs for
        such a standing only (a probe of every author's standing to find them cost ~12 ms on the
        benchmark, where there are none); on SQLite by that probe.

        Like the time-only changes of untouched authors, a review crossing the recent-review
        boundary between its runs is weighed anew by the nightly full run."""
        d = self.d
        structural = d.any_distinct((f"t.{c}", f"t.old_{c}") for c in ("author_id", "ranked", "created_at"))
        self.clear("rk_user_recount")
        self.add_ids(
            "rk_user_recount",
            # (An author in scope with no changed row is one of a deleted review, listed below.)
            f"SELECT t.author_id AS id FROM rk_touched t WHERE {structural} "
            f"UNION ALL SELECT t.old_author_id FROM rk_touched t WHERE {structural} "
            "UNION ALL SELECT user_id FROM ranking_rerankpending WHERE id <= %(pmax)s AND user_id IS NOT NULL "
            + (
                ""
                if d.pg
                else f"UNION ALL SELECT st.user_id FROM {scope_table} k JOIN {STANDING} st ON st.user_id = k.id "
                "WHERE st.review_points IS NULL"
            ),
            {"pmax": self.pending_max},
        )
        self.analyze("rk_user_recount")
        figures = {
            "review_count": "st.review_count",
            "recent_review_count": "st.recent_review_count",
            "helpful_weight_received": d.rnd("st.helpful_weight_received + m.hw"),
            "unhelpful_weight_received": d.rnd("st.unhelpful_weight_received + m.uw"),
            "active_periods": "st.active_periods",
            "review_points": d.rnd("st.review_points + m.points"),
        }
        never_summed = ""
        if d.pg:
            # (The lateral sum's condition on the outer row alone is checked once per row: for a
            # summed standing it reads nothing.)
            sums = {
                "review_count": "COALESCE(ns.review_count, 0)",
                "recent_review_count": "COALESCE(ns.recent_review_count, 0)",
                "helpful_weight_received": d.rnd("COALESCE(ns.hw, 0)"),
                "unhelpful_weight_received": d.rnd("COALESCE(ns.uw, 0)"),
                "active_periods": "COALESCE(ns.active_periods, 0)",
                "review_points": d.rnd("COALESCE(ns.points, 0)"),
            }
            figures = {c: f"CASE WHEN st.review_points IS NULL THEN {sums[c]} ELSE {e} END" for c, e in figures.items()}
            never_summed = (
                f"LEFT JOIN LATERAL ({self._standing_sums('sc.author_id = st.user_id AND st.review_points IS NULL')}) "
                "ns ON TRUE "
            )
        return (
            f"SELECT st.user_id, st.level AS old_level, {STORED_STANDING_SELECT}, {self._row_address('st')}"
            + ", ".join(f"{e} AS {c}" for c, e in figures.items())
            # (Every author of rk_touched is in `scope_table`: add_touched put them there.)
            + f" FROM ({self._score_row_moves('t.author_id')}) m JOIN {STANDING} st ON st.user_id = m.author_id "
            f"{never_summed}WHERE m.author_id NOT IN (SELECT id FROM rk_user_recount)"
        )

    def _score_row_moves(self, keys: str, where: str = "TRUE") -> str:
        """SQL for what the score rows a scoped write changed (rk_touched `t`) add to and take
        from the sums of each group `keys`: helpful weight (hw), not-helpful weight (uw) and
        review points. Only rows ranked before and after count; where a row joined or left the
        ranking, the group is counted again instead (see _moved_standings)."""
        return (
            f"SELECT {keys}, SUM(t.helpful_weight - t.old_helpful_weight) AS hw, "
            "SUM(t.unhelpful_weight - t.old_unhelpful_weight) AS uw, "
            f"SUM({self._review_points('t.')} - {self._review_points('t.old_')}) AS points "
            f"FROM rk_touched t WHERE t.ranked AND t.old_ranked AND {where} GROUP BY {keys}"
        )

    def category_standings(self, scope: Scope, result: RunResult) -> int:
        """Recompute category standings: all of them, or (scoped) the (author, category) pairs of
        the score rows the last scoped write changed (rk_touched, before and after: a category
        standing depends only on its author's score rows in that category) and every pair of the
        authors of deleted reviews, for the authors in `scope`. A scoped run moves the
        sums of a pair whose changed score rows only changed figures by their differences, as
        standings() does (see _move_category_standings), and counts the others again."""
        d, rnd = self.d, self.d.rnd
        pairs_join = (
            ""
            if scope.everything
            else "JOIN rk_usercat_recount uc ON uc.user_id = sc.author_id AND uc.category_id = sc.category_id"
        )
        values = self._category_figures(
            "SELECT sc.author_id AS user_id, sc.category_id, COUNT(*) AS review_count, "
            f"{rnd('SUM(sc.helpful_weight)')} AS helpful_weight_received, "
            f"{rnd(f'SUM({self._review_points()})')} AS review_points "
            f"FROM {SCORE} sc {pairs_join} WHERE sc.ranked AND {scope.on('sc.author_id')} "
            "GROUP BY sc.author_id, sc.category_id"
        )
        if scope.everything and self.d.pg:
            changed = self._sync_all_category_standings(values, CATEGORY_STANDING_COLUMNS)
            result.add("category_standings", changed)
            return changed
        cols = CATEGORY_STANDING_COLUMNS
        same_key = "t.user_id = cs.user_id AND t.category_id = cs.category_id"
        differs = d.any_distinct((f"cs.{c}", f"t.{c}") for c in cols)
        if scope.everything:
            # SQLite's full run: every standing of every author.
            self.create_temp_as("rk_catstanding", values, self._time_params())
            return self._sync_category_standings(
                "SELECT cs.id AS stored_id, t.user_id, t.category_id, TRUE AS present, "
                f"{', '.join('t.' + c for c in cols)} FROM rk_catstanding t LEFT JOIN {CATSTANDING} cs ON {same_key} "
                f"WHERE cs.id IS NULL OR {differs} "
                "UNION ALL SELECT cs.id, cs.user_id, cs.category_id, FALSE, "
                f"{', '.join('cs.' + c for c in cols)} FROM {CATSTANDING} cs "
                "WHERE NOT EXISTS (SELECT 1 FROM rk_catstanding t WHERE t.user_id = cs.user_id AND t.category_id = cs.category_id)",
                {},
                result,
            )
        moved = self._move_category_standings(scope)
        result.add("category_standings", moved)
        result.notes["category_standings_recounted"] = result.notes.get("category_standings_recounted", 0) + self.count(
            "rk_usercat_recount"
        )
        # Scoped: one pass over the pairs counted again lists what to insert, update and delete,
        # each pair's stored row probed once by the unique index "category_standing_once".
        return moved + self._sync_category_standings(
            "SELECT cs.id AS stored_id, uc.user_id, uc.category_id, t.user_id IS NOT NULL AS present, "
            f"{', '.join('t.' + c for c in cols)} FROM rk_usercat_recount uc "
            f"LEFT JOIN ({values}) t ON t.user_id = uc.user_id AND t.category_id = uc.category_id "
            f"LEFT JOIN {CATSTANDING} cs ON cs.user_id = uc.user_id AND cs.category_id = uc.category_id "
            f"WHERE {scope.on('uc.user_id')} AND ((t.user_id IS NULL AND cs.id IS NOT NULL) "
            f"OR (t.user_id IS NOT NULL AND (cs.id IS NULL OR {differs})))",
            self._time_params(),
            result,
        )

    def _category_figures(self, sums_sql: str) -> str:
        """SQL for a category standing's figures (user_id, category_id, CATEGORY_STANDING_COLUMNS)
        from `sums_sql`'s rows (user_id, category_id, review_count, helpful_weight_received,
        review_points, and any others, passed on)."""
        lit = self.d.lit
        return (
            f"SELECT b.*, {self._expert('b.review_count', 'b.reputation')} AS is_expert FROM ("
            f"  SELECT a.*, CASE WHEN a.review_points > 0 THEN a.review_points ELSE {lit(0)} END AS reputation "
            f"  FROM ({sums_sql}) a"
            ") b"
        )

    def _expert(self, review_count: str, reputation: str) -> str:
        lit = self.d.lit
        return (
            f"CASE WHEN {review_count} >= {int(settings.RANKING_EXPERT_MIN_REVIEWS)} "
            f"AND {reputation} >= {lit(settings.RANKING_EXPERT_MIN_REPUTATION)} THEN TRUE ELSE FALSE END"
        )

    def _move_category_standings(self, scope: Scope) -> int:
        """Scoped runs: move the sums of the (author, category) pairs of rk_touched whose changed
        score rows only changed figures by what those rows add and take (exact: every summand is
        rounded, see _review_points), in one UPDATE that reads each stored row once; returns the
        rows changed. The other pairs land in rk_usercat_recount, to be counted again from their
        score rows: a row came, went, changed author, category or ranking; deleted reviews; no
        stored row, or one never summed."""
        d = self.d
        structural = d.any_distinct((f"t.{c}", f"t.old_{c}") for c in ("author_id", "category_id", "ranked"))
        self.clear("rk_usercat_recount", "rk_catmoved")
        recount = (
            "INSERT INTO rk_usercat_recount (user_id, category_id) SELECT DISTINCT q.user_id, q.category_id "
            "FROM ({}) q WHERE q.user_id IS NOT NULL ON CONFLICT (user_id, category_id) DO NOTHING"
        )
        self.x(
            recount.format(
                f"SELECT t.author_id AS user_id, t.category_id FROM rk_touched t WHERE {structural} "
                f"UNION ALL SELECT t.old_author_id, t.old_category_id FROM rk_touched t WHERE {structural} "
                # every category of the authors of deleted reviews
                f"UNION ALL SELECT cs.user_id, cs.category_id FROM {CATSTANDING} cs WHERE cs.user_id IN "
                "(SELECT user_id FROM ranking_rerankpending WHERE id <= %(pmax)s AND user_id IS NOT NULL)"
                # (A pair whose changed rows all stayed unranked has nothing to move nor to count
                # again: only ranked rows count.)
            ),
            {"pmax": self.pending_max},
        )
        moves = self._score_row_moves(
            "t.author_id, t.category_id",
            "NOT EXISTS (SELECT 1 FROM rk_usercat_recount k WHERE k.user_id = t.author_id "
            "AND k.category_id = t.category_id)",
        )
        points = d.rnd("cs.review_points + m.points")
        reputation = f"CASE WHEN {points} > 0 THEN {points} ELSE {d.lit(0)} END"
        new = {
            "reputation": reputation,
            "helpful_weight_received": d.rnd("cs.helpful_weight_received + m.hw"),
            "is_expert": self._expert("cs.review_count", reputation),
            "review_points": points,
        }
        update = (
            f"UPDATE {CATSTANDING} AS cs SET {', '.join(f'{c} = {e}' for c, e in new.items())} FROM ({moves}) m "
            # (Every author of rk_touched is in `scope`: add_touched put them there. Filtering on it
            # again probed the scope table once per pair, ~3 ms.)
            "WHERE cs.user_id = m.author_id AND cs.category_id = m.category_id "
            f"AND cs.review_points IS NOT NULL AND ({d.any_distinct((f'cs.{c}', e) for c, e in new.items())}) "
            # (SQLite's RETURNING knows the updated table by its own name only)
            + ("RETURNING cs.user_id, cs.category_id" if d.pg else "RETURNING user_id, category_id")
        )
        params = self._time_params()
        if d.pg:
            moved = self.x(
                f"WITH moved AS ({update}) INSERT INTO rk_catmoved (user_id, category_id) "
                "SELECT user_id, category_id FROM moved",
                params,
            )
        else:
            keys = self.rows(update, params)
            if keys:
                self.insert_many("INSERT INTO rk_catmoved (user_id, category_id) VALUES (%s, %s)", keys)
            moved = len(keys)
        # Pairs with sums to move that the update did not write because their differences added up
        # to nothing (an author's prior moves quality, not points) are done; those with no stored
        # row, or one never summed, are counted again.
        self.x(
            recount.format(
                "SELECT t.author_id AS user_id, t.category_id FROM rk_touched t WHERE t.ranked AND t.old_ranked "
                "AND NOT EXISTS (SELECT 1 FROM rk_catmoved k WHERE k.user_id = t.author_id "
                f"AND k.category_id = t.category_id) AND NOT EXISTS (SELECT 1 FROM {CATSTANDING} cs "
                "WHERE cs.user_id = t.author_id AND cs.category_id = t.category_id AND cs.review_points IS NOT NULL)"
            )
        )
        self.analyze("rk_usercat_recount")
        return moved

    def _sync_category_standings(self, diff_sql: str, params: dict, result: RunResult) -> int:
        """Apply `diff_sql`'s rows (stored_id, user_id, category_id, present, figures) to the
        category standings: a pair with no new figures (not `present`) is deleted, one with no
        stored row (no stored_id) inserted, the others updated by their id."""
        cols = CATEGORY_STANDING_COLUMNS
        self.clear("rk_catdiff")
        self.x(
            f"INSERT INTO rk_catdiff (stored_id, user_id, category_id, present, {', '.join(cols)}) {diff_sql}", params
        )
        changed = self.x(f"DELETE FROM {CATSTANDING} WHERE id IN (SELECT stored_id FROM rk_catdiff WHERE NOT present)")
        changed += self.x(
            f"UPDATE {CATSTANDING} AS cs SET {', '.join(f'{c} = d.{c}' for c in cols)} FROM rk_catdiff d "
            "WHERE cs.id = d.stored_id AND d.present"
        )
        changed += self.x(
            f"INSERT INTO {CATSTANDING} (user_id, category_id, {', '.join(cols)}) "
            f"SELECT d.user_id, d.category_id, {', '.join('d.' + c for c in cols)} FROM rk_catdiff d "
            "WHERE d.stored_id IS NULL AND d.present ON CONFLICT (user_id, category_id) DO NOTHING"
        )
        result.add("category_standings", changed)
        return changed

    def _sync_all_category_standings(self, values: str, cols: list[str]) -> int:
        """Full runs on PostgreSQL: one pass lists the rows to insert, update and delete.

        Both sides arrive in (user, category) order from covering indexes: the new figures
        aggregated as "score_author" streams the score rows (in parallel, pre-grouped in each
        worker), the stored ones through the unique index "category_standing_once" (keys only
        since ranking 0013, so the rows are read from the table in that order). A merge full join
        then pairs them with no hash table of a million groups: ~0.8–1.3 s on two cores, against
        ~3 s to hash-aggregate, store and hash-join them."""
        same_key = "t.user_id = cs.user_id AND t.category_id = cs.category_id"
        differs = self.d.any_distinct((f"cs.{c}", f"t.{c}") for c in cols)
        sorted_inputs = ("enable_hashjoin", "enable_hashagg", "enable_sort")
        for setting in sorted_inputs:
            self.x(f"SET LOCAL {setting} = off")
        diff = self.create_temp_as(
            "rk_catdiff",
            f"SELECT cs.id AS stored_id, t.user_id, t.category_id, {', '.join('t.' + c for c in cols)} "
            f"FROM ({values}) t FULL JOIN {CATSTANDING} cs ON {same_key} "
            f"WHERE cs.id IS NULL OR t.user_id IS NULL OR {differs}",
            self._time_params(),
        )
        for setting in sorted_inputs:
            self.x(f"SET LOCAL {setting} TO DEFAULT")
        changed = self.x(f"DELETE FROM {CATSTANDING} WHERE id IN (SELECT stored_id FROM {diff} WHERE user_id IS NULL)")
        changed += self.x(
            f"UPDATE {CATSTANDING} AS cs SET {', '.join(f'{c} = d.{c}' for c in cols)} FROM {diff} d "
            "WHERE cs.id = d.stored_id AND d.user_id IS NOT NULL"
        )
        changed += self.x(
            f"INSERT INTO {CATSTANDING} (user_id, category_id, {', '.join(cols)}) "
            f"SELECT d.user_id, d.category_id, {', '.join('d.' + c for c in cols)} FROM {diff} d "
            "WHERE d.stored_id IS NULL ON CONFLICT (user_id, category_id) DO NOTHING"
        )
        return changed

    def settle(self, result: RunResult) -> int:
        """Propagate level changes: a new level changes the author's prior (their reviews) and the
        weight of their votes (the reviews they voted on). Returns standings changed."""
        changed_total = 0
        for _round in range(SETTLE_ROUNDS):
            if not self.count("rk_level_changed"):
                return changed_total
            self.clear("rk_voter", "rk_review", "rk_user", "rk_review_votes", "rk_review_inputs")
            # Counted, so the authors' reviews below are found by their key: a guess of thousands
            # of authors made PostgreSQL read every review instead (~0.2 s).
            self.analyze("rk_level_changed")
            self.x("INSERT INTO rk_voter (id) SELECT id FROM rk_level_changed")
            self.vote_weights(Scope("rk_voter"), result)
            # The reviews these voters voted on have new vote sums; those of the authors whose
            # level changed have a new prior only, and keep the sums this run already wrote.
            self.add_ids(
                "rk_review_votes",
                f"SELECT v.review_id AS id FROM {VOTE} v JOIN rk_weight_new w ON w.user_id = v.user_id",
            )
            self.add_ids("rk_review", "SELECT id FROM rk_review_votes")
            # (Their other inputs are those on their score rows, but for the author's level.)
            self.add_ids(
                "rk_review", f"SELECT r.id FROM {REVIEW} r WHERE r.author_id IN (SELECT id FROM rk_level_changed)"
            )
            self.analyze("rk_review", "rk_review_votes")
            self.score_reviews(
                Scope("rk_review"),
                result,
                votes_scope=Scope("rk_review_votes"),
                inputs_scope=Scope("rk_review_inputs"),
                levels_scope=Scope("rk_level_changed"),
            )
            self.add_touched()
            # A new level moves its author's prior, which enters quality but not reputation (see
            # scoring.py): when no changed row moved anything a standing sums (new vote weights
            # did, a score row created now does), no standing, category standing or level changes,
            # and the round ends here (~20 statements fewer on the benchmark).
            sums_moved = self.d.any_distinct((f"t.{c}", f"t.old_{c}") for c in STANDING_INPUTS)
            if not self.rows(f"SELECT 1 FROM rk_touched t WHERE {sums_moved} LIMIT 1"):
                self.clear("rk_level_changed")
                continue
            self.analyze("rk_user")
            changed_total += self.standings(Scope("rk_user"), result)
            self.category_standings(Scope("rk_user"), result)
        leftover = [row[0] for row in self.rows("SELECT id FROM rk_level_changed")]
        if leftover:
            # Rare (levels flipping back and forth through mutual votes); the next run goes on.
            logger.info("rerank: %d level changes left for the next run", len(leftover))
            RerankPending.objects.bulk_create(
                [RerankPending(reason=RerankPending.Reason.LEVEL_CHANGED, user_id=uid) for uid in leftover]
            )
        return changed_total

    # --- products -------------------------------------------------------------------------------

    def category_stats(self, result: RunResult) -> None:
        lit, rnd = self.d.lit, self.d.rnd
        mean = f"CASE WHEN a.w > 0 THEN a.wr / a.w ELSE {lit(S.DEFAULT_CATEGORY_MEAN)} END"
        by_category = (
            "SELECT sc.category_id, SUM(sc.quality) AS w, SUM(sc.quality * sc.rating) AS wr, COUNT(*) AS n "
            f"FROM {SCORE} sc WHERE sc.ranked GROUP BY sc.category_id"
        )
        if self.d.pg:
            # The full run's one pass over the million score rows for products and categories
            # alike: the categories sum their products' sums; product_scores(ALL) reads the same
            # table. Grouped by product alone, the sums stream (in parallel) from the covering
            # index "score_most_helpful" (product, quality, rating): ~0.25 s against ~0.8 s for a
            # hash aggregate over the score rows. The score step has just synced each score's
            # copy of its product's category, so the product's own category is the same.
            self.product_agg = self.create_temp_as(
                "rk_product_agg",
                f"SELECT sc.product_id, COUNT(*) AS n, SUM({self.d.dbl('sc.rating')}) AS ratings, "
                f"SUM(sc.quality) AS w, SUM(sc.quality * sc.rating) AS wr FROM {SCORE} sc WHERE sc.ranked "
                "GROUP BY sc.product_id",
            )
            by_category = (
                "SELECT p.category_id, SUM(a.w) AS w, SUM(a.wr) AS wr, SUM(a.n) AS n "
                f"FROM {self.product_agg} a JOIN {PRODUCT} p ON p.id = a.product_id GROUP BY p.category_id"
            )
        result.add(
            "category_priors",
            self.x(
                f"UPDATE {CATSTATS} AS cs SET mean_rating = c.mean_rating, review_weight = c.review_weight, "
                "review_count = c.review_count FROM ("
                f"  SELECT s.category_id, {rnd(mean)} AS mean_rating, {rnd('COALESCE(a.w, 0)')} AS review_weight, "
                f"  COALESCE(a.n, 0) AS review_count FROM {CATSTATS} s LEFT JOIN ({by_category}"
                "  ) a ON a.category_id = s.category_id"
                ") c WHERE cs.category_id = c.category_id AND "
                + self.d.any_distinct((f"cs.{x}", f"c.{x}") for x in ("mean_rating", "review_weight", "review_count")),
            ),
        )

    def product_scores(self, scope: Scope, result: RunResult) -> None:
        d = self.d
        if scope.table:
            # The products in `scope` (those that lost reviews: deleted, their score rows are gone)
            # and those moved to another category are counted again from their score rows; the
            # others' sums are moved by what their rows changed (rk_product_delta; a product whose
            # changed rows stayed unranked has nothing to move). Those of score rows written in
            # this run have a product score row already (see record_product_deltas).
            self.clear("rk_product_recount")
            self.add_ids(
                "rk_product_recount",
                f"SELECT id FROM {scope.table} UNION ALL SELECT product_id FROM rk_product_delta "
                "GROUP BY product_id HAVING MIN(category_id) <> MAX(category_id)",
            )
            self.x(
                f"INSERT INTO {PSCORE} (product_id, category_id) SELECT p.id, p.category_id FROM ("
                f"{self.missing('SELECT id FROM rk_product_recount', PSCORE, 'product_id')}"
                f") m JOIN {PRODUCT} p ON p.id = m.id WHERE TRUE ON CONFLICT (product_id) DO NOTHING"
            )
            self.move_product_sums(result)
            scope = Scope("rk_product_recount")
        by_product = (
            f"SELECT sc.product_id, COUNT(*) AS n, AVG({d.dbl('sc.rating')}) AS avg_rating, SUM(sc.quality) AS w, "
            f"SUM(sc.quality * sc.rating) AS wr FROM {SCORE} sc "
            f"WHERE sc.ranked AND {scope.on('sc.product_id')} GROUP BY sc.product_id"
        )
        bulk = scope.everything and self.product_agg is not None
        if bulk:
            # See category_stats: the products' sums from its pass over the score rows.
            by_product = f"SELECT product_id, n, ratings / n AS avg_rating, w, wr FROM {self.product_agg}"
            self.product_agg = None
        self._update_product_scores(self._product_values(by_product, scope.on("p.id")), result, bulk=bulk)

    def move_product_sums(self, result: RunResult) -> None:
        """Scoped runs: update the products in rk_product_delta (but not those recounted) by the
        differences their changed score rows recorded, instead of summing every score row of
        each product again: one UPDATE that reads each stored row once. The figures come from the
        same expressions as a recount's (_product_figures)."""
        lit = self.d.lit
        n = "(t.review_count + a.n)"
        figures = self._product_figures(
            n=n,
            avg_rating=f"CASE WHEN {n} > 0 THEN (COALESCE(ROUND(t.average_rating * t.review_count), {lit(0)}) "
            f"+ a.ratings) / {n} END",
            w="t.weight_sum + a.w",
            wr="t.weighted_rating_sum + a.wr",
            category="a.category_id",
        )
        # A product's category as its changed score rows carry it (all one: a product that moved
        # is counted again), not read from the product.
        changed = self.x(
            f"UPDATE {PSCORE} AS t SET {', '.join(f'{c} = {e}' for c, e in figures.items())}, updated_at = %(now)s "
            "FROM (SELECT product_id, MAX(category_id) AS category_id, SUM(n) AS n, SUM(ratings) AS ratings, "
            "SUM(w) AS w, SUM(wr) AS wr FROM rk_product_delta GROUP BY product_id) a "
            f"LEFT JOIN {CATSTATS} cs ON cs.category_id = a.category_id "
            "WHERE t.product_id = a.product_id AND a.product_id NOT IN (SELECT id FROM rk_product_recount) "
            f"AND {self.d.any_distinct((f't.{c}', e) for c, e in figures.items())}",
            {"now": self.dt(self.now)},
        )
        result.add("product_scores", changed)

    def _product_figures(
        self, *, n: str, avg_rating: str, w: str, wr: str, category: str = "p.category_id"
    ) -> dict[str, str]:
        """SQL for each stored product figure (PRODUCT_SCORE_COLUMNS) from the product's
        `category` (its product `p`'s by default), the category's prior `cs` and the sums over its
        ranked reviews: count `n`, average rating, weights `w` and weighted ratings `wr`. Every
        figure is rounded, the Bayesian score computed from the rounded sums, so moved sums and
        recounted ones give the same figures."""
        lit, rnd = self.d.lit, self.d.rnd
        prior = lit(S.PRODUCT_PRIOR_WEIGHT)
        w, wr = rnd(w), rnd(wr)
        return {
            "category_id": category,
            "review_count": n,
            "average_rating": rnd(avg_rating),
            "weight_sum": w,
            "weighted_rating_sum": wr,
            "bayesian_score": rnd(
                f"({prior} * COALESCE(cs.mean_rating, {lit(S.DEFAULT_CATEGORY_MEAN)}) + {wr}) / ({prior} + {w})"
            ),
            "eligible": f"CASE WHEN {n} >= {int(settings.RANKING_PRODUCT_MIN_REVIEWS)} THEN TRUE ELSE FALSE END",
        }

    def _product_values(self, by_product: str, where: str) -> str:
        """SQL for each product's stored figures (PRODUCT_SCORE_COLUMNS, plus product_id) from
        `by_product`'s sums over its ranked reviews (product_id, n, avg_rating, w, wr), for the
        products `where` selects."""
        figures = self._product_figures(
            n="COALESCE(a.n, 0)", avg_rating="a.avg_rating", w="COALESCE(a.w, 0)", wr="COALESCE(a.wr, 0)"
        )
        return (
            f"SELECT p.id AS product_id, {', '.join(f'{e} AS {c}' for c, e in figures.items())} "
            f"FROM {PRODUCT} p LEFT JOIN ({by_product}) a ON a.product_id = p.id "
            f"LEFT JOIN {CATSTATS} cs ON cs.category_id = p.category_id WHERE {where}"
        )

    def _update_product_scores(self, values: str, result: RunResult, *, bulk: bool = False) -> None:
        columns = PRODUCT_SCORE_COLUMNS
        differs = self.d.any_distinct((f"t.{c}", f"c.{c}") for c in columns)
        if bulk:
            # Compared in parallel; the (serial) UPDATE then writes only the products that differ.
            diff = self.create_temp_as(
                "rk_product_diff",
                f"SELECT c.* FROM ({values}) c JOIN {PSCORE} t ON t.product_id = c.product_id WHERE {differs}",
            )
            values, differs = f"SELECT * FROM {diff}", "TRUE"
        changed = self.x(
            f"UPDATE {PSCORE} AS t SET {', '.join(f'{c} = c.{c}' for c in columns)}, updated_at = %(now)s "
            f"FROM ({values}) c WHERE t.product_id = c.product_id AND {differs}",
            {"now": self.dt(self.now)},
        )
        result.add("product_scores", changed)
        if changed > 10_000:
            self.analyze(PSCORE)

    # --- ranks ------------------------------------------------------------------------------------

    def overall_ranks(self, result: RunResult) -> None:
        depth = int(settings.RANKING_REVIEWER_RANK_DEPTH)
        self.clear("rk_rank")
        self.x(
            "INSERT INTO rk_rank (id, rnk) SELECT t.user_id, ROW_NUMBER() OVER (ORDER BY t.reputation DESC, t.user_id) "
            f"FROM (SELECT user_id, reputation FROM {STANDING} WHERE reputation > 0 "
            f"ORDER BY reputation DESC, user_id LIMIT {depth}) t"
        )
        changed = self.x(
            f"UPDATE {STANDING} SET overall_rank = NULL WHERE overall_rank IS NOT NULL "
            "AND user_id NOT IN (SELECT id FROM rk_rank)"
        )
        changed += self.x(
            f"UPDATE {STANDING} AS st SET overall_rank = k.rnk FROM rk_rank k WHERE st.user_id = k.id "
            f"AND {self.d.distinct('st.overall_rank', 'k.rnk')}"
        )
        result.add("overall_ranks", changed)

    def category_ranks(self, scope: Scope, result: RunResult) -> None:
        depth = int(settings.RANKING_REVIEWER_RANK_DEPTH)
        categories = "SELECT id FROM reviews_category" if scope.table is None else f"SELECT id FROM {scope.table}"
        self.clear("rk_catrank", "rk_cutoff")
        # No index orders the standings by reputation (so that the runs' updates of the figures
        # are HOT updates, ranking 0013), and sorting a million standings takes a second. The
        # previous top filters instead: where a category has `depth` ranked rows, a row below the
        # lowest of their reputations (as they are now) is beaten by all of them, so only rows at
        # or above it are numbered. Where it has fewer, every row with a reputation is.
        self.x(
            "INSERT INTO rk_cutoff (category_id, cutoff) SELECT cs.category_id, "
            f"CASE WHEN COUNT(*) >= {depth} THEN MIN(cs.reputation) ELSE 0 END FROM {CATSTANDING} cs "
            f"WHERE cs.rank IS NOT NULL AND cs.category_id IN ({categories}) GROUP BY cs.category_id"
        )
        self.x(
            "INSERT INTO rk_catrank (user_id, category_id, rnk) SELECT t.user_id, t.category_id, t.rnk FROM ("
            "  SELECT cs.user_id, cs.category_id, "
            "  ROW_NUMBER() OVER (PARTITION BY cs.category_id ORDER BY cs.reputation DESC, cs.user_id) AS rnk "
            f"  FROM {CATSTANDING} cs LEFT JOIN rk_cutoff k ON k.category_id = cs.category_id "
            f"  WHERE cs.reputation > 0 AND cs.reputation >= COALESCE(k.cutoff, 0) AND cs.category_id IN ({categories})"
            f") t WHERE t.rnk <= {depth}"
        )
        changed = self.x(
            f"UPDATE {CATSTANDING} SET rank = NULL WHERE id IN (SELECT cs.id FROM {CATSTANDING} cs "
            f"WHERE cs.rank IS NOT NULL AND cs.category_id IN ({categories}) AND NOT EXISTS "
            "(SELECT 1 FROM rk_catrank k WHERE k.user_id = cs.user_id AND k.category_id = cs.category_id))"
        )
        changed += self.x(
            f"UPDATE {CATSTANDING} AS cs SET rank = k.rnk FROM rk_catrank k WHERE k.user_id = cs.user_id "
            f"AND k.category_id = cs.category_id AND {self.d.distinct('cs.rank', 'k.rnk')}"
        )
        result.add("category_ranks", changed)

    def product_ranks(self, scope: Scope, result: RunResult) -> None:
        depth = int(settings.RANKING_PRODUCT_RANK_DEPTH)
        categories = "SELECT id FROM reviews_category" if scope.table is None else f"SELECT id FROM {scope.table}"
        self.clear("rk_rank", "rk_cutoff")
        # As for the category standings (category_ranks): no index orders the product scores
        # (their updates are HOT updates, ranking 0014), so only the eligible products at or above
        # the lowest score of the previous top (those still eligible, when `depth` of them are)
        # are numbered; every other eligible product is beaten by all of that top.
        self.x(
            "INSERT INTO rk_cutoff (category_id, cutoff) SELECT ps.category_id, "
            f"CASE WHEN SUM(CASE WHEN ps.eligible THEN 1 ELSE 0 END) >= {depth} "
            "THEN MIN(CASE WHEN ps.eligible THEN ps.bayesian_score END) END "
            f"FROM {PSCORE} ps WHERE ps.category_rank IS NOT NULL AND ps.category_id IN ({categories}) "
            "GROUP BY ps.category_id"
        )
        self.x(
            "INSERT INTO rk_rank (id, rnk) SELECT t.product_id, t.rnk FROM ("
            "  SELECT ps.product_id, "
            "  ROW_NUMBER() OVER (PARTITION BY ps.category_id ORDER BY ps.bayesian_score DESC, ps.product_id) AS rnk "
            f"  FROM {PSCORE} ps LEFT JOIN rk_cutoff k ON k.category_id = ps.category_id "
            f"  WHERE ps.eligible AND ps.category_id IN ({categories}) "
            "  AND (k.cutoff IS NULL OR ps.bayesian_score >= k.cutoff) "
            # ... and, computed once and checked as the scan reads each row, at or above the lowest
            # cut-off of them all (none when a category has no cut-off): ~2 k rows reach the join
            # instead of 50 k.
            "  AND ps.bayesian_score >= COALESCE((SELECT CASE WHEN COUNT(k2.cutoff) = COUNT(*) THEN MIN(k2.cutoff) END "
            f"  FROM ({categories}) c2 LEFT JOIN rk_cutoff k2 ON k2.category_id = c2.id), {self.d.lit(-1e308)})"
            f") t WHERE t.rnk <= {depth}"
        )
        changed = self.x(
            f"UPDATE {PSCORE} SET category_rank = NULL WHERE category_rank IS NOT NULL "
            f"AND category_id IN ({categories}) AND product_id NOT IN (SELECT id FROM rk_rank)"
        )
        changed += self.x(
            f"UPDATE {PSCORE} AS ps SET category_rank = k.rnk FROM rk_rank k WHERE ps.product_id = k.id "
            f"AND {self.d.distinct('ps.category_rank', 'k.rnk')}"
        )
        result.add("product_ranks", changed)
