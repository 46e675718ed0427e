# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""Engine: one rerank run, the steps in the order they run (the package docstring tells the
shape of a run)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .. import fraud, testers
from ..levels import CUTOFFS_KEY, announce_level_ups, stored_cutoffs
from ..models import RerankPending, RerankRun, TesterEvent
from .categories import CategorySteps
from .changes import ChangeSteps
from .formula_sql import FormulaSQL
from .plumbing import (
    ALL,
    CATSTANDING,
    CORE_TEMP_TABLES,
    EVENT,
    EVENT_COLUMNS,
    PRODUCT,
    REVIEW_CHANGE,
    STANDING,
    TEMP_TABLES,
    USER,
    VOTE,
    Busy,
    Dialect,
    Plumbing,
    RunResult,
    Scope,
    Split,
)
from .products import ProductSteps
from .scores import ScoreSteps
from .split import SplitSteps
from .standings import StandingSteps
from .votes import VoteSteps

# Arbitrary constant: the PostgreSQL advisory lock key of the rerank job.
PG_ADVISORY_KEY = 7_301_531_003

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


class Engine(
    Plumbing, ChangeSteps, VoteSteps, FormulaSQL, ScoreSteps, SplitSteps, StandingSteps, CategorySteps, ProductSteps
):
    """One rerank: run() in one transaction, or stage_part() for one part of a split full run.
    Its state is the run's plumbing (clock, cursor, temporary tables, level cut-offs); each step
    is a method of one of the mixins above."""

    def __init__(self, *, now: datetime | None = None, progress: Callable[[str], None] | None = None):
        self.now = now or timezone.now()
        self._report = progress or (lambda step: None)
        self._step: tuple[str, float] | None = None
        self.result: RunResult | None = None
        self.d = Dialect(connection.vendor)
        self.ops = connection.ops
        self.cursor = None
        self.pending_max = 0
        self.temp_tables: list[str] = []
        self.session_temp_tables: set[str] | None = None  # PostgreSQL: those the session already has
        self.dropped_at_end: list[str] = []  # the scratch tables, and SQLite's temporary ones
        self.temp_tables_empty = False  # see run()
        # Temporary tables known to be empty (created or cleared, nothing inserted since): add_ids
        # fills those without ON CONFLICT, whose speculative insertion doubles an insert's cost.
        self.known_empty: set[str] = set()
        self.backend_pid: int | None = None
        self.coarse_statistics = False  # see analyze()
        self.level_cutoffs: dict[int, float] = {}  # the community route's (ranking.levels), set by run()

    def run(self, *, full: bool, split: Split | None = None) -> RunResult:
        """A full run (or an incremental one, full when no run is done yet) in one transaction;
        records it as a RerankRun. Raises Busy when another run holds the lock."""
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
                        # large or their joins are hashed; the parallel plans are faster (see
                        # bench/RESULTS.md).
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
                self.level_cutoffs = stored_cutoffs()
                formula, tester_events = None, []
                if full:
                    formula, tester_events = self._full(result, split)
                else:
                    result.since = last.started_at - settings.RANKING_WATERMARK_OVERLAP
                    self._incremental(result)
                if result.changes.get("standings"):
                    # Levels only rise when this run changed standings; skip the scan otherwise.
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
                        **({"score_formula": formula} if formula else {}),
                        CUTOFFS_KEY: {str(level): value for level, value in self.level_cutoffs.items()},
                    },
                )
                result.run_id = run.pk
                if tester_events:
                    TesterEvent.objects.filter(id__in=tester_events).update(run=run)
        return result

    def _full(self, result: RunResult, split: Split | None = None) -> tuple[str | None, list[int]]:
        """Every step over every row. Returns the fingerprint of the score formula the scores were
        computed with (None where the run does not record it: SQLite) and the tester events
        created, both recorded on the run."""
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
        fraud.detect_serial(self, result, pairs_scope=None)
        fraud.detect_rings(self, result)
        self.progress("vote weights")
        self.vote_weights(ALL, result)
        self.progress("review scores")
        if split is not None:
            formula = self.score_reviews_split(split, result)
            self.clear_staging(split.key)
        elif self.d.pg:
            formula = self.score_all(result)
        else:
            formula = None
            self.score_reviews(ALL, result)
        self.progress("reviewer standings")
        self.standings(ALL, result)
        self.level_cutoffs_full(result)
        self.progress("category standings")
        if self.category_standings(ALL, result) > 10_000:
            self.analyze(CATSTANDING)
        self.progress("settle levels")
        self.settle(result)
        self.progress("category priors")
        product_sums = self.category_stats(result)
        self.progress("product scores")
        self.product_scores(ALL, result, product_sums=product_sums)
        self.progress("ranks")
        self.overall_ranks(result)
        self.category_ranks(ALL, result)
        self.product_ranks(ALL, result)
        self.progress("invited testers")
        tester_events = testers.evaluate_testers(now=self.now)
        result.add("tester_events", len(tester_events))
        cutoff = self.now - timedelta(days=30)
        RerankRun.objects.filter(started_at__lt=cutoff).delete()
        return formula, tester_events

    def _incremental(self, result: RunResult) -> None:
        """The steps over what changed since the last run (result.since); returns early when
        nothing did."""
        self.progress("find changes")
        self.find_changes(result.since)
        # Casting a vote never changes the voter's weight (level, age, suspension do, found by
        # find_changes and settle): voters of new votes only need a standing row, so their votes
        # count at all. Those whose weight the events do not tell are looked up once, for this and
        # for vote_deltas.
        weight_version = self.event_voter_weights(result)
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
        fraud.detect_serial(self, result, pairs_scope="rk_pair_changed")
        self.progress("review scores")
        self.vote_deltas(result, weight_version=weight_version)
        self.analyze("rk_review", "rk_voter", "rk_review_votes")
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
