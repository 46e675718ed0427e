# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py, policy.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""Category priors, product scores and the ranks (reviewers overall and per category, products per category)."""

from __future__ import annotations

from .. import policy
from .plumbing import CATSTANDING, CATSTATS, PRODUCT, PRODUCT_SCORE_COLUMNS, PSCORE, SCORE, STANDING, RunResult, Scope


class ProductSteps:
    """Category priors (CategoryStats), product scores (ProductScore) and the ranks."""

    def category_stats(self, result: RunResult) -> str | None:
        """Full runs: each category's prior (mean rating, review weight and count) from its ranked
        score rows. On PostgreSQL, returns the name of a scratch table of each product's sums
        (product_id, n, ratings, w, wr), from the same pass, for product_scores(ALL); elsewhere
        None."""
        product_sums = None
        rnd = self.d.rnd
        mean = self._category_mean(w="a.w", wr="a.wr")
        by_category = (
            "SELECT sc.category_id, SUM(sc.quality) AS w, SUM(sc.quality * sc.rating) AS wr, COUNT(*) AS n "
            f"FROM {SCORE} sc WHERE sc.ranked GROUP BY sc.category_id"
        )
        if self.d.pg:
            # The full run's one pass over the million score rows for products and categories
            # alike: the categories sum their products' sums; product_scores(ALL) reads the same
            # table. Grouped by product alone, the sums stream (in parallel) from the covering
            # index "score_most_helpful" (product, quality, rating), cheaper than a hash aggregate
            # over the score rows. The score step has just synced each score's
            # copy of its product's category, so the product's own category is the same.
            product_sums = self.create_temp_as(
                "rk_product_agg",
                f"SELECT sc.product_id, COUNT(*) AS n, SUM({self.d.dbl('sc.rating')}) AS ratings, "
                f"SUM(sc.quality) AS w, SUM(sc.quality * sc.rating) AS wr FROM {SCORE} sc WHERE sc.ranked "
                "GROUP BY sc.product_id",
            )
            by_category = (
                "SELECT p.category_id, SUM(a.w) AS w, SUM(a.wr) AS wr, SUM(a.n) AS n "
                f"FROM {product_sums} a JOIN {PRODUCT} p ON p.id = a.product_id GROUP BY p.category_id"
            )
        result.add(
            "category_priors",
            self.x(
                f"UPDATE {CATSTATS} AS cs SET mean_rating = c.mean_rating, review_weight = c.review_weight, "
                "review_count = c.review_count FROM ("
                f"  SELECT s.category_id, {mean} AS mean_rating, {rnd('COALESCE(a.w, 0)')} AS review_weight, "
                f"  COALESCE(a.n, 0) AS review_count FROM {CATSTATS} s LEFT JOIN ({by_category}"
                "  ) a ON a.category_id = s.category_id"
                ") c WHERE cs.category_id = c.category_id AND "
                + self.d.any_distinct((f"cs.{x}", f"c.{x}") for x in ("mean_rating", "review_weight", "review_count")),
            ),
        )
        return product_sums

    def product_scores(self, scope: Scope, result: RunResult, *, product_sums: str | None = None) -> None:
        """Recompute the product scores of `scope` (PRODUCT_SCORE_COLUMNS), writing those that differ.
        A full run reads each product's sums from `product_sums` when category_stats made them;
        a scoped run moves most products' sums by their score rows' differences (see below)."""
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
        bulk = scope.everything and product_sums is not None
        if bulk:
            # See category_stats: the products' sums from its pass over the score rows.
            by_product = f"SELECT product_id, n, ratings / n AS avg_rating, w, wr FROM {product_sums}"
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

    def overall_ranks(self, result: RunResult) -> None:
        depth = int(policy.REVIEWER_RANK_DEPTH)
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
        depth = int(policy.REVIEWER_RANK_DEPTH)
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
        depth = int(policy.PRODUCT_RANK_DEPTH)
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
            # cut-off of them all (none when a category has no cut-off): only the rows near the
            # tops reach the join.
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
