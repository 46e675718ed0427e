# SQL here is assembled only from table names, column names and numeric constants defined in this
# package, scoring.py and settings; every value from outside goes in as a query parameter.
# ruff: noqa: S608
"""The formula's SQL: a review's score layers, a vote's weight, a review's reputation points,
reputation from points, and a product's figures. Their Python forms (the oracle the tests
compare with) are in ranking.scoring."""

from __future__ import annotations

from django.conf import settings

from .. import scoring as S


class FormulaSQL:
    """The formula's SQL expressions, for the steps of Engine (see run.py)."""

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

    def _reputation(self, points: str) -> str:
        """SQL for a reputation (overall or in one category) from the sum of its review points."""
        return f"CASE WHEN {points} > 0 THEN {points} ELSE {self.d.lit(0)} END"

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
