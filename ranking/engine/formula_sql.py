"""The formula's SQL, for the steps of Engine (see run.py): generated from the formula's one
declaration, ranking.formula, as is its Python oracle (ranking.scoring) that the tests compare
with. Nothing here restates an expression or a constant: change the formula there."""

from __future__ import annotations

from .. import formula as F

# The condition under which a score row's moderator feature boosts its discover score.
FEATURED_SQL = "t.featured_until IS NOT NULL AND t.featured_until > %(now)s"


class FormulaSQL:
    """The formula's SQL expressions, each rendered for the run's dialect (self.d)."""

    def score_layers(self, inputs: str) -> str:
        """SQL for SCORE_COLUMNS (plus review_id) computed from `inputs` (see score_inputs), layer
        by layer (ranking.formula.REVIEW.layers()), each fenced so PostgreSQL evaluates every
        expression once per row."""
        return F.review_figures_sql(self.d, inputs)

    def _featured_discover(self, discover: str) -> str:
        """SQL for the stored discover figure from the computed one and the score row `t`'s
        feature (parameter %(now)s)."""
        return F.featured_discover_sql(self.d, discover, FEATURED_SQL)

    def _weight(self, level_sql: str) -> str:
        """SQL for the weight of votes cast by user `u` at level `level_sql`.
        Parameters: %(young)s, %(now)s."""
        return F.vote_weight_sql(self.d, level_sql)

    def _cap_factor(self, pair_votes: str) -> str:
        """SQL for what each of a voter's `pair_votes` votes on one author's reviews counts."""
        return F.vote_factor_sql(self.d, "cap_factor", pair_votes_sql=pair_votes)

    def _fraud_factor(self, status: str) -> str:
        """SQL for what a vote linked to a fraud flag of `status` counts."""
        return F.vote_factor_sql(self.d, "fraud_factor", status_sql=status)

    def _review_points(self, row: str = "sc.") -> str:
        """Reputation points of one ranked score row: `row` prefixes its columns ("sc." for a
        score row, "t.old_" for the values before a write in rk_touched). Parameter: %(old)s.
        Rounded, so sums moved by differences equal sums recounted (see standings)."""
        return F.review_points_sql(self.d, row)

    def _reputation(self, points: str) -> str:
        """SQL for a reputation (overall or in one category) from the sum of its review points."""
        return F.reputation_sql(self.d, points)

    def _category_mean(self, *, w: str, wr: str) -> str:
        """SQL for a category's (rounded) mean rating, its products' prior, from the sums over its
        ranked reviews: quality `w` and quality × rating `wr` (NULL: no ranked review)."""
        return F.category_mean_sql(self.d, w=w, wr=wr)

    def _product_figures(
        self, *, n: str, avg_rating: str, w: str, wr: str, category: str = "p.category_id"
    ) -> dict[str, str]:
        """SQL for each stored product figure (PRODUCT_SCORE_COLUMNS) from the product's
        `category` (its product `p`'s by default), the category's prior `cs` and the sums over its
        ranked reviews: count `n`, average rating, weights `w` and weighted ratings `wr`. Every
        figure is rounded, the Bayesian score computed from the rounded sums, so moved sums and
        recounted ones give the same figures."""
        return {"category_id": category} | F.product_figures_sql(self.d, n=n, avg_rating=avg_rating, w=w, wr=wr)
