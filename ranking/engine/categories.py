# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py, policy.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""Category standings: each reviewer's reputation within a category, and who is an expert there."""

from __future__ import annotations

from .. import policy
from .plumbing import CATEGORY_STANDING_COLUMNS, CATSTANDING, SCORE, RunResult, Scope


class CategorySteps:
    """Category standings (CategoryStanding): a reviewer's reputation in each category."""

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
        return (
            f"SELECT b.*, {self._expert('b.review_count', 'b.reputation')} AS is_expert FROM ("
            f"  SELECT a.*, {self._reputation('a.review_points')} AS reputation "
            f"  FROM ({sums_sql}) a"
            ") b"
        )

    def _expert(self, review_count: str, reputation: str) -> str:
        lit = self.d.lit
        return (
            f"CASE WHEN {review_count} >= {int(policy.EXPERT_MIN_REVIEWS)} "
            f"AND {reputation} >= {lit(policy.EXPERT_MIN_REPUTATION)} THEN TRUE ELSE FALSE END"
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
        reputation = self._reputation(points)
        new = {
            "reputation": reputation,
            "helpful_weight_received": d.rnd("cs.helpful_weight_received + m.hw"),
            "is_expert": self._expert("cs.review_count", reputation),
            "review_points": points,
        }
        update = (
            f"UPDATE {CATSTANDING} AS cs SET {', '.join(f'{c} = {e}' for c, e in new.items())} FROM ({moves}) m "
            # (Every author of rk_touched is in `scope`: add_touched put them there, so it is not
            # probed again for each pair.)
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
        then pairs them with no hash table of a million groups, far cheaper than hash-aggregating,
        storing and hash-joining them."""
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
