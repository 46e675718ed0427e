# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py, policy.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""Reviewer standings: reputation, levels and their cut-offs, and settling level changes."""

from __future__ import annotations

import logging
from datetime import timedelta

from .. import policy
from .. import scoring as S
from ..models import RerankPending
from .plumbing import (
    REVIEW,
    SCORE,
    STANDING,
    STANDING_INPUTS,
    STORED_STANDING_COLUMNS,
    STORED_STANDING_SELECT,
    VOTE,
    RunResult,
    Scope,
)

logger = logging.getLogger(__name__)

# A level change re-scores what it touches, for at most this many rounds per run.
SETTLE_ROUNDS = 3


class StandingSteps:
    """Reviewer standings (reputation, counts, level), level cut-offs, and settling level changes."""

    def _level_sql(self, row: str, previous: str) -> str:
        """SQL for the level of the standing figures `row` (reputation, review_count,
        helpful_weight_received) of a reviewer at level `previous`: scoring.level_for with the
        run's cut-offs, a level held kept within LEVEL_HYSTERESIS of its bar."""
        reached = self._level_reached_sql(f"{row}.reputation", row)
        held = self._level_reached_sql(f"{row}.reputation * {self.d.lit(1 + S.LEVEL_HYSTERESIS)}", row)
        return f"CASE WHEN {reached} >= {previous} THEN {reached} WHEN {held} >= {previous} THEN {previous} ELSE {held} END"

    def _level_reached_sql(self, reputation: str, row: str) -> str:
        lit, thresholds, cutoffs = self.d.lit, S.level_thresholds(), self.level_cutoffs
        whens = []
        for rule in reversed(S.LEVEL_RULES):
            routes = []
            if rule.level <= len(thresholds):
                routes.append(f"{reputation} >= {lit(thresholds[rule.level - 1])}")
            if cutoffs.get(rule.level) is not None:
                routes.append(
                    f"({reputation} >= {lit(cutoffs[rule.level])} AND {row}.review_count >= {rule.min_reviews} "
                    f"AND {row}.helpful_weight_received >= {lit(rule.min_helpful_weight)})"
                )
            if routes:
                whens.append(f"WHEN {' OR '.join(routes)} THEN {rule.level}")
        return f"(CASE {' '.join(whens)} ELSE 1 END)" if whens else "1"

    def level_cutoffs_full(self, result: RunResult) -> None:
        """Full runs: the community route's cut-offs from the reputations just computed
        (ranking.levels); when they moved, every standing's level is set again and the changes
        go to rk_level_changed for settle."""
        from ..levels import compute_cutoffs

        cutoffs, active = compute_cutoffs(self)
        result.notes["active_reviewers"] = active
        if cutoffs == self.level_cutoffs:
            return
        self.level_cutoffs = cutoffs
        level = self._level_sql("st", "st.level")
        # (A reviewer whose level the standings just changed may move again: the level it carries
        # is the new one.)
        self.x(
            f"INSERT INTO rk_level_changed (id, level) SELECT st.user_id, {level} FROM {STANDING} st "
            f"WHERE st.level <> {level} ON CONFLICT (id) DO UPDATE SET level = EXCLUDED.level"
        )
        result.add("standings", self.x(f"UPDATE {STANDING} AS st SET level = {level} WHERE st.level <> {level}"))

    def _time_params(self) -> dict:
        now = self.now
        return {
            "now": self.dt(now),
            "old": self.dt(now - timedelta(days=S.RECENT_REVIEW_DAYS)),
            "recent": self.dt(now - timedelta(days=policy.TESTER_RECENT_DAYS)),
        }

    def standings(self, scope: Scope, result: RunResult) -> int:
        """Recompute reputation and level; level changes land in rk_level_changed. Returns the
        number of standings whose reputation or counts changed."""
        d, lit, rnd = self.d, self.d.lit, self.d.rnd
        level = self._level_sql("b", "b.old_level")
        moved = None
        if scope.table:
            # Only an author of a score row created in this run (it holds a quality of 0 before its
            # first write: every computed quality is at least QUALITY_FLOOR) or of one that changed
            # author can lack a standing: the run that first wrote any other row gave its author
            # one. Only those are probed.
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
            f"{rnd('COALESCE(a.points, 0)')} AS review_points "
            f"FROM {STANDING} st LEFT JOIN ({agg}) a "
            f"ON a.author_id = st.user_id WHERE {scope.on('st.user_id')}"
        )
        if moved:
            figures = f"{figures} UNION ALL {moved}"
        b = f"SELECT f.*, {rnd(self._reputation('f.review_points'))} AS reputation FROM ({figures}) f"
        columns = [
            "reputation",
            "level",
            "review_count",
            "recent_review_count",
            "helpful_weight_received",
            "unhelpful_weight_received",
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
            # level changes, with no trip through rk_standing_new.
            level_ups = (
                ", up AS (INSERT INTO rk_level_up (id) SELECT user_id FROM upd WHERE level > old_level "
                "ON CONFLICT (id) DO NOTHING)"
                if "rk_level_up" in self.temp_tables
                else ""
            )
            changed = self.scalar(
                f"WITH n AS ({differing}), upd AS (UPDATE {STANDING} AS st SET {sets} FROM n WHERE st.ctid = n.tid "
                "RETURNING st.user_id, n.old_level, st.level), "
                "lc AS (INSERT INTO rk_level_changed (id, level) SELECT user_id, level FROM upd WHERE level <> old_level)"
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
        self.x(f"INSERT INTO rk_level_changed (id, level) SELECT user_id, level FROM {new} WHERE level <> old_level")
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
        (author_id, review_count, recent_review_count, hw, uw, points). Parameters: see
        _time_params."""
        return (
            "SELECT sc.author_id, COUNT(*) AS review_count, "
            "SUM(CASE WHEN sc.created_at >= %(recent)s THEN 1 ELSE 0 END) AS recent_review_count, "
            f"SUM(sc.helpful_weight) AS hw, SUM(sc.unhelpful_weight) AS uw, SUM({self._review_points()}) AS points "
            f"FROM {SCORE} sc WHERE sc.ranked AND {where} GROUP BY sc.author_id"
        )

    def _row_address(self, row: str) -> str:
        """PostgreSQL: `row`'s physical address (ctid) as a column `tid`, with a trailing comma;
        elsewhere nothing. Within the run's one snapshot, an UPDATE finds the row again by it
        with one page read instead of a walk down the key's index."""
        return f"{row}.ctid AS tid, " if self.d.pg else ""

    def _moved_standings(self, scope_table: str) -> str:
        """Scoped runs: SQL for the new figures (as standings() lists them) of the authors in
        `scope_table` whose changed score rows (rk_touched) only moved their sums: each changed
        row stayed ranked (or unranked), by the same author, with the same date, so the counts
        stand and the sums move by what the rows add and take (exact: every summand is rounded,
        see _review_points). The other authors of `scope_table` land in
        rk_user_recount, counted again from their score rows: rows that came, went or moved,
        deleted reviews (RerankPending). A standing never summed (review_points NULL) is counted
        again too: on PostgreSQL by the figures themselves, from a lateral sum that runs for
        such a standing only (rather than a probe of every author's standing to find them, where
        there are usually none); on SQLite by that probe.

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

    def settle(self, result: RunResult) -> int:
        """Propagate level changes: a new level changes the author's prior (their reviews) and the
        weight of their votes (the reviews they voted on). Returns standings changed."""
        changed_total = 0
        for _round in range(SETTLE_ROUNDS):
            if not self.count("rk_level_changed"):
                return changed_total
            self.clear("rk_voter", "rk_review", "rk_user", "rk_review_votes", "rk_review_inputs")
            # Counted, so the authors' reviews below are found by their key: a guess of thousands
            # of authors made PostgreSQL read every review instead.
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
            # and the round ends here.
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
