# SQL here is assembled only from the names and constants declared in this package, scoring.py and
# settings, and from SQL fragments the engine passes in; no value from outside is ever inlined.
# ruff: noqa: S608
"""The SQL the rerank engine runs, rendered from the declaration, and the review columns whose
change must trigger a rescore."""

from __future__ import annotations

from .declaration import CATEGORY, FEATURED, POINTS, PRODUCT, REPUTATION, REVIEW, VOTE, VOTER

# --- SQL for the engine -----------------------------------------------------------------------


def review_figures_sql(dialect, inputs_sql: str) -> str:
    """SQL for every row of `inputs_sql` (which must yield INPUT_COLUMNS' figure inputs and
    created_epoch) with FIGURE_COLUMNS added, layer by layer (REVIEW.layers())."""
    return REVIEW.layered_sql(dialect, inputs_sql)


def featured_discover_sql(dialect, discover_sql: str, featured_sql: str) -> str:
    """SQL for the stored discover figure: `discover_sql` plus the feature boost while the
    condition `featured_sql` holds."""
    return FEATURED.sql("featured_discover", dialect, {"discover": discover_sql, "featured": featured_sql})


def vote_weight_sql(
    dialect,
    level_sql: str,
    *,
    young_sql: str = "u.date_joined > %(young)s",
    inactive_sql: str = "u.is_active = FALSE OR (u.suspended_until IS NOT NULL AND u.suspended_until > %(now)s)",
) -> str:
    """SQL for the vote weight of user `u` at level `level_sql`. Parameters (with the default
    conditions): %(young)s, the moment YOUNG_ACCOUNT_DAYS ago, and %(now)s."""
    return VOTER.sql(
        "vote_weight", dialect, {"young": young_sql, "inactive_or_suspended": inactive_sql, "level": level_sql}
    )


def vote_factor_sql(dialect, factor: str, *, pair_votes_sql: str = "", status_sql: str = "") -> str:
    """SQL for one of a vote's factors: "cap_factor" from the voter's vote count on the author
    (`pair_votes_sql`), or "fraud_factor" from its fraud flag's status (`status_sql`)."""
    bindings = {
        "pair_votes": pair_votes_sql,
        "flag_confirmed": f"{status_sql} = 'confirmed'",
        "flag_open": f"{status_sql} = 'open'",
    }
    return VOTE.sql(factor, dialect, bindings)


def review_points_sql(dialect, row_prefix: str = "sc.") -> str:
    """SQL for the reputation points of one ranked score row; `row_prefix` prefixes its columns
    ("sc." for a score row, "t.old_" for the values before a write). Parameter: %(old)s, the
    moment RECENT_REVIEW_DAYS ago."""
    p = row_prefix
    bindings = {
        "helpful_weight": f"{p}helpful_weight",
        "unhelpful_weight": f"{p}unhelpful_weight",
        "merit": f"{p}merit",
        "recent": f"{p}created_at >= %(old)s",
    }
    return POINTS.sql("review_points", dialect, bindings)


def reputation_sql(dialect, points_sql: str) -> str:
    """SQL for a reputation from the sum of its review points."""
    return REPUTATION.sql("reputation", dialect, {"points": points_sql})


def category_mean_sql(dialect, *, w: str, wr: str) -> str:
    """SQL for a category's mean rating from the sums over its ranked reviews (NULL: none):
    quality `w` and quality × rating `wr`."""
    return CATEGORY.sql("mean_rating", dialect, {"quality_sum": w, "quality_rating_sum": wr})


def product_figures_sql(
    dialect, *, n: str, avg_rating: str, w: str, wr: str, category_mean: str = "cs.mean_rating"
) -> dict[str, str]:
    """SQL for each stored product figure but its category (review_count, average_rating,
    weight_sum, weighted_rating_sum, bayesian_score, eligible) from the sums over its ranked
    reviews: count `n`, average rating, quality `w` and quality × rating `wr`, and the category's
    mean (NULL: DEFAULT_CATEGORY_MEAN). The Bayesian score is computed from the rounded sums, so
    sums moved by differences and recounted ones give the same figures."""
    bindings = {
        "review_count": n,
        "rating_mean": avg_rating,
        "quality_sum": w,
        "quality_rating_sum": wr,
        "category_mean": category_mean,
    }
    return {"review_count": n} | {t.name: PRODUCT.sql(t.name, dialect, bindings) for t in PRODUCT.stored_terms()}


# --- what must trigger a rescore --------------------------------------------------------------


def rescore_watch() -> dict[str, set[str]]:
    """The base-table columns a review's score inputs read, by table: what the triggers recording
    review changes (ranking 0016) and vote events (ranking 0015/0017) must watch. The job's own
    tables (ranking_*) and the accounts change only inside a run or are rescanned by it."""
    watch: dict[str, set[str]] = {}
    for item in REVIEW.inputs:
        for read in item.reads:
            table, column = read.split(".")
            if table.startswith("reviews_"):
                watch.setdefault(table, set()).add(column)
    return watch
