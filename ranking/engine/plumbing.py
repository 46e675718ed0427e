# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""The rerank's plumbing: table names, temporary tables, the SQL dialect and the cursor helpers."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .. import formula as F
from .. import scoring as S
from ..models import RerankRun

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
    "review_points",
]
# ... as the new figures' rows carry them (st: the standing), to compare with.
STORED_STANDING_SELECT = ", ".join(f"st.{col} AS stored_{col}" for col in STORED_STANDING_COLUMNS)
# The tables a statement inserts into (see Engine.known_empty).
INSERTED_INTO = re.compile(r"\bINSERT\s+INTO\s+(\w+)", re.IGNORECASE)

# What a review's score figures are computed from (score_inputs), all stored on its score row,
# and what score_layers() computes from those: both from the formula's declaration.
INPUT_COLUMNS, FIGURE_COLUMNS = F.INPUT_COLUMNS, F.FIGURE_COLUMNS
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
    "rk_rating_product",
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
    # products whose average rating may have moved: every review of theirs reads its inputs
    # again (see add_rating_siblings)
    "rk_rating_product": "id BIGINT PRIMARY KEY",
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
    # reviewers whose level this round changed, with their new level (settle reads it for their
    # reviews' author prior, instead of probing each standing, much updated in a run, per review)
    "rk_level_changed": "id BIGINT PRIMARY KEY, level INTEGER",
    "rk_level_up": "id BIGINT PRIMARY KEY",  # every reviewer whose level this run raised
    "rk_weight_new": "user_id BIGINT PRIMARY KEY, weight DOUBLE PRECISION",
    "rk_standing_new": (
        "user_id BIGINT PRIMARY KEY, reputation DOUBLE PRECISION, level INTEGER, old_level INTEGER, "
        "review_count INTEGER, recent_review_count INTEGER, helpful_weight_received DOUBLE PRECISION, "
        "unhelpful_weight_received DOUBLE PRECISION, review_points DOUBLE PRECISION"
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
        """SQL for the seconds since 1970 of the datetime `col`, as Python's timestamp() gives
        them: the exact count of microseconds divided by a million in one rounded step."""
        if self.pg:
            # (EXTRACT gives an exact NUMERIC; the cast rounds it once.)
            return f"CAST(EXTRACT(EPOCH FROM {col}) AS DOUBLE PRECISION)"
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in SQLite. julianday() keeps milliseconds in
        # a double of ~2.46e6 days (off by up to 2e-5 s), and strftime('%s') of the whole text
        # rounds its milliseconds (.9996 reads as the next second): the whole seconds are read
        # from the first 19 characters, the microseconds from the digits after the point.
        # ('%%': the engine's statements always go with parameters, pyformat.)
        seconds = f"CAST(strftime('%%s', substr({col}, 1, 19)) AS INTEGER)"
        micros = f"CAST(substr(substr({col}, 21) || '000000', 1, 6) AS INTEGER)"
        return f"(({seconds} * 1000000 + {micros}) / 1000000.0)"

    def distinct(self, a: str, b: str) -> str:
        return f"({a} IS DISTINCT FROM {b})" if self.pg else f"({a} IS NOT {b})"

    def any_distinct(self, pairs: Iterable[tuple[str, str]]) -> str:
        return "(" + " OR ".join(self.distinct(a, b) for a, b in pairs) + ")"

    def create_temp(self, name: str, columns: str) -> str:
        if self.pg:
            # Kept for the session (a worker's connection runs every rerank), emptied at commit,
            # rather than created and dropped by every run.
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


class Busy(Exception):
    """Another run holds the database-level lock."""


class Plumbing:
    """The cursor, temporary tables and statistics shared by every step. The state it keeps is
    the run's plumbing (see Engine.__init__); steps hand their results on as return values."""

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
        if self.d.pg and self.session_temp_tables is None:
            # The session keeps its temporary tables from run to run (see Dialect.create_temp):
            # those it has are listed once, not asked for again one statement each.
            self.session_temp_tables = {
                row[0]
                for row in self.rows(
                    "SELECT c.relname FROM pg_class c WHERE c.relpersistence = 't' AND c.relkind = 'r' "
                    "AND c.relnamespace = pg_my_temp_schema()"
                )
            }
        for name in names:
            if name not in self.temp_tables:
                if name not in (self.session_temp_tables or ()):
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
            # (A table nothing was inserted into since it was created or cleared needs no DELETE.)
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
        # counts and much cheaper on large ones; the base tables the usual one.
        if self.d.pg:
            for table in tables:
                coarse = table.startswith("rk_")
                if coarse != self.coarse_statistics:
                    target = "10" if coarse else "DEFAULT"
                    self.x(f"SET LOCAL default_statistics_target TO {target}")
                    self.coarse_statistics = coarse
                self.x(f"ANALYZE {table}")

    @staticmethod
    def missing(ids_sql: str, table: str, key: str) -> str:
        """SQL for the ids `ids_sql` selects (column `id`) that have no row in `table` (by its key
        `key`): a probe of the key per id, as a scalar subquery PostgreSQL cannot turn into an
        anti-join. As NOT EXISTS it chose a merge anti-join that read every key of the table (each
        a heap fetch) to find none missing among a few thousand ids.
        Joined with the rows first, every id in scope was fetched to find the few new ones; ON
        CONFLICT alone would cost a speculative insertion per existing row."""
        return f"SELECT k.id FROM ({ids_sql}) k WHERE (SELECT 1 FROM {table} s WHERE s.{key} = k.id LIMIT 1) IS NULL"

    def last_done_run(self, kind: str | None = None) -> RerankRun | None:
        runs = RerankRun.objects.filter(status=RerankRun.Status.DONE)
        if kind:
            runs = runs.filter(kind=kind)
        return runs.order_by("-started_at", "-id").first()
