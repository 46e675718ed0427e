# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""Split full runs (ranking.tasks.rerank_part / rerank_split): parts stage scores, the final run writes them."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import StagedPart
from .plumbing import REVIEW, SCORE, SCORE_COLUMNS, STAGED, VOTE, RunResult, Scope, Split


class SplitSteps:
    """A full run split by review-id ranges: the parts stage scores, the final run writes them."""

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

    def score_reviews_split(self, split: Split, result: RunResult) -> str:
        """The score step of a split full run: take the parts' staged scores, recompute those
        that may have changed after the earliest part's snapshot (or that this run's vote
        pairs, fraud flags and vote weights changed), then write them all at once."""
        formula = self.score_formula()  # every part computed every score with this formula
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
        self.add_rating_siblings()  # (their products' average ratings moved since the parts read them)
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
        self._write_scores(
            f"SELECT review_id, {cols} FROM {STAGED} WHERE run_key = %(key)s", {"key": split.key}, result, bulk=True
        )
        return formula

    def clear_staging(self, key: str) -> None:
        if self.d.pg:
            # The run holds the rerank lock, so no other split is staging: TRUNCATE is safe and
            # far cheaper than deleting a million rows (and rolls back with the run).
            self.x(f"TRUNCATE {STAGED}")
        else:
            self.x(f"DELETE FROM {STAGED}")
        StagedPart.objects.all().delete()
