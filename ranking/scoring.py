"""The ranking formula's numbers, and its Python oracle.

The formula itself (every expression: helpfulness, content signals, quality, discover, vote
weights, the cap and fraud factors, reputation points, a product's Bayesian score) is declared
once in ranking/formula/declaration.py; the engine's SQL and the functions below are both produced from it.
This module holds the numbers those expressions name (their `Param`s), the levels' thresholds
and rules, and the oracle: plain functions that evaluate the declared terms exactly as the SQL does, for the API's
"why it is ranked here" and for the tests. docs/ranking.md explains it all to readers; its
formula section is rendered from the declaration (`manage.py ranking_formula --markdown`). The
ranking's other rules (rank depths, category experts, the invited-tester bar) are in
ranking/policy.py.

What the declaration does not hold, because it is not a per-row expression:

- Which reviews count: a reviewer's reputation sums the points of their ranked reviews, a
  category standing those in the category (the declaration holds one review's points and the
  reputation from their sum).
- Levels: the highest level reached by either route (level_for): the absolute one, reputation >=
  LEVEL_THRESHOLDS[level - 1]; or the community one (LEVEL_RULES): reputation >=
  that level's cut-off (the reputation of the last reviewer inside its share of active reviewers,
  computed by each full run, ranking.levels) with the rule's minimum reviews and helpful weight.
  A level already held is kept within LEVEL_HYSTERESIS of its bar.
- Stored figures are rounded to ROUND_DIGITS decimals, on both databases, so that re-running the
  job on unchanged data yields bit-identical values and `IS DISTINCT FROM` writes nothing.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, make_dataclass

from . import formula as F

# The formula's parameters name this module's constants (ranking.formula.Param), read at use.
F.bind_constants(sys.modules[__name__])

ROUND_DIGITS = 6

# --- vote weights ---------------------------------------------------------------------------
YOUNG_ACCOUNT_DAYS = 7
YOUNG_ACCOUNT_FACTOR = 0.25
SUSPENDED_FACTOR = 0.0
# Level -> factor; levels not listed count 1.0. Only level 1 is discounted: the accounts no reader
# has yet found helpful (new and throwaway ones; the first days are YOUNG_ACCOUNT_FACTOR's). Level 2
# already needs readers' helpful votes, and a step of its own re-weighed every vote of each
# reviewer promoted from it at the next run.
LEVEL_VOTE_FACTORS = {1: 0.6}
VOTER_AUTHOR_CAP = 3
FLAG_OPEN_FACTOR = 0.25
FLAG_CONFIRMED_FACTOR = 0.0

# --- review quality ---------------------------------------------------------------------------
WILSON_Z = 1.2816
LENGTH_SCALE_CHARS = 600
PHOTO_SATURATION = 3
TEXT_MIN_CHARS = 80
CONTENT_WEIGHTS = {"length": 0.5, "photos": 0.3, "text": 0.2}
QUALITY_FLOOR = 0.02
W_HELPFULNESS = 0.6
W_CONTENT = 0.25
W_AUTHOR = 0.15
# Agreement with the product's average rating: a prior, like the author's level, not merit (it
# earns no reputation: conformity is no effort). 0.10 beats body length and the old prior on both
# bench/quality files (Spearman vs held-out helpfulness ~0.17 against 0.04-0.10) and moves the
# most-helpful order's NDCG@5 up, not down; 0.05 also wins, 0.2 saturates.
W_AGREEMENT = 0.10

# --- discover ---------------------------------------------------------------------------------
EPOCH_ORIGIN = 1_735_689_600  # 2025-01-01T00:00:00Z; keeps the stored figure small
DISCOVER_TAU_SECONDS = 36 * 3600
FEATURE_BOOST = 4.0

# --- reputation -------------------------------------------------------------------------------
VOTE_POINTS = 1.0
UNHELPFUL_PENALTY = 0.5
# Reputation is led by the helpful votes readers give: merit adds at most ~0.85 per review (less
# than one helpful vote from an established reader), and neither age nor activity earns points.
# (Measured on real Amazon votes, bench/quality: activity and merit points made prolific writers
# outrank the reviewers readers found most helpful; Spearman vs held-out votes 0.24 -> ~0.7.)
MERIT_POINTS = 1.0
RECENT_REVIEW_DAYS = 365
OLD_REVIEW_FACTOR = 1.0

# --- products ---------------------------------------------------------------------------------
# A product needs this many published reviews to be ranked in its category.
PRODUCT_MIN_REVIEWS = 3
PRODUCT_PRIOR_WEIGHT = 2.0
DEFAULT_CATEGORY_MEAN = 3.0

# --- fraud signals ----------------------------------------------------------------------------
# Serial voting: this many votes by one account on one author's reviews within 24 hours.
SERIAL_VOTES_PER_DAY = 5
SERIAL_WINDOW_SECONDS = 86400
# Vote rings: accounts linked by at least RING_EDGE_MIN_VOTES helpful votes each way round a
# cycle, each casting at least RING_MIN_INSIDE_SHARE of their helpful votes inside the group.
RING_EDGE_MIN_VOTES = 4
RING_MIN_INSIDE_SHARE = 0.5

# Pairs (voter, author) are tracked once they exceed the cap; every fraud signal needs more.
PAIR_MIN_VOTES = VOTER_AUTHOR_CAP + 1
# reviews.VoteTally's partial index "tally_repeat_voters" covers pairs from 4 votes on.
assert PAIR_MIN_VOTES >= 4  # nosec B101 # import-time sanity check of constants
assert SERIAL_VOTES_PER_DAY >= PAIR_MIN_VOTES and RING_EDGE_MIN_VOTES >= PAIR_MIN_VOTES  # nosec B101 # import-time sanity check of constants


def rnd(value: float) -> float:
    """A figure rounded as the database in use stores it."""
    return F.round_figure(value, F.current_vendor())


# --- levels -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LevelRule:
    """The community route to a level: be among the top `share` of active reviewers (those with
    at least one ranked review) by reputation, with at least `min_reviews` ranked reviews and
    `min_helpful_weight` helpful-vote weight received (minimum evidence: a rank among few
    figures says little)."""

    level: int
    share: float
    min_reviews: int
    min_helpful_weight: float


# The absolute route: reputation that reaches levels 1..10 in a community of any size (index 0
# is level 1; strictly increasing). Published at /api/v1/levels/.
LEVEL_THRESHOLDS = [0, 10, 30, 70, 150, 300, 600, 1200, 2500, 5000]

# Levels 2..10. The absolute route (LEVEL_THRESHOLDS) stays open whatever the
# community's size; this one makes levels reachable in a small community and keeps them
# meaningful in a large one.
LEVEL_RULES = (
    LevelRule(2, 0.60, 1, 0.5),
    LevelRule(3, 0.40, 2, 1.0),
    LevelRule(4, 0.20, 3, 2.0),
    LevelRule(5, 0.10, 5, 4.0),
    LevelRule(6, 0.05, 5, 8.0),
    LevelRule(7, 0.025, 10, 16.0),
    LevelRule(8, 0.01, 10, 32.0),
    LevelRule(9, 0.005, 20, 64.0),
    LevelRule(10, 0.002, 20, 128.0),
)
# The community route opens with this many active reviewers: a percentile of a handful of
# people is noise. The nightly full rerank computes the cut-offs (ranking.levels).
LEVEL_MIN_COMMUNITY = 50
# A cut-off is never below this: the community route needs some reputation.
LEVEL_MIN_CUTOFF = 0.5
# A level, once reached, is kept while this share more reputation would still reach it: a
# cut-off that moved a little at the nightly run, or one not-helpful vote, does not take it away
# (to be given back by the next helpful vote). Each level change re-weighs the reviewer's votes
# and moves the prior of their reviews, so every flap rescores reviews.
LEVEL_HYSTERESIS = 0.1


def level_thresholds() -> list[float]:
    """The absolute route: reputation that reaches each level (index 0 is level 1)."""
    return list(LEVEL_THRESHOLDS)


def cutoff_position(share: float, active_reviewers: int) -> int:
    """1-based position (by reputation, descending) of the last reviewer inside the top `share`."""
    return max(1, math.ceil(share * active_reviewers))


def level_for(
    reputation: float,
    review_count: int = 0,
    helpful_weight: float = 0.0,
    cutoffs: dict[int, float] | None = None,
    previous: int | None = None,
) -> int:
    """The highest level reached by the absolute route, or by the community route given the
    current cut-offs (level -> reputation; None or missing: that route is closed). A reviewer
    at level `previous` keeps it while LEVEL_HYSTERESIS more reputation would still reach it;
    otherwise they fall to the highest level that reputation, with that margin, reaches."""
    reached = _level_reached(reputation, review_count, helpful_weight, cutoffs)
    if previous is None or reached >= previous:
        return reached
    return min(previous, _level_reached(reputation * (1 + LEVEL_HYSTERESIS), review_count, helpful_weight, cutoffs))


def _level_reached(
    reputation: float, review_count: int, helpful_weight: float, cutoffs: dict[int, float] | None
) -> int:
    thresholds = level_thresholds()
    cutoffs = cutoffs or {}
    level = 1
    for rule in LEVEL_RULES:
        absolute = rule.level <= len(thresholds) and reputation >= thresholds[rule.level - 1]
        cutoff = cutoffs.get(rule.level)
        community = (
            cutoff is not None
            and reputation >= cutoff
            and review_count >= rule.min_reviews
            and helpful_weight >= rule.min_helpful_weight
        )
        if absolute or community:
            level = rule.level
    return level


def effective_thresholds(cutoffs: dict[int, float] | None = None) -> list[float]:
    """Reputation needed for each level now: the lower of the two routes' bars (the community
    route also needs its evidence)."""
    cutoffs = cutoffs or {}
    return [min(t, cutoffs[i + 1]) if cutoffs.get(i + 1) is not None else t for i, t in enumerate(level_thresholds())]


def level_vote_factor(level: int) -> float:
    return LEVEL_VOTE_FACTORS.get(level, 1.0)


@dataclass(frozen=True)
class LevelProgress:
    level: int
    reputation: float
    current_threshold: float
    next_level: int | None
    next_threshold: float | None
    fraction: float  # 0..1 of the way from this level's threshold to the next; 1.0 at the top


def level_progress(
    reputation: float, level: int | None = None, cutoffs: dict[int, float] | None = None
) -> LevelProgress:
    thresholds = effective_thresholds(cutoffs)
    level = level or level_for(reputation, cutoffs=cutoffs)
    current = thresholds[level - 1]
    if level >= len(thresholds):
        return LevelProgress(level, reputation, current, None, None, 1.0)
    nxt = thresholds[level]
    span = nxt - current
    fraction = min(1.0, max(0.0, (reputation - current) / span)) if span > 0 else 1.0
    return LevelProgress(level, reputation, current, level + 1, nxt, round(fraction, 4))


# --- the Python oracle, from the declaration (ranking.formula) ----------------------------------
# Each function evaluates declared terms exactly as the SQL computes them (rounding included) on
# the database in use; see ranking.formula.Formula.evaluate.


def wilson_lower_bound(positive: float, negative: float, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval for the share of positive votes (weighted)."""
    values = {"helpful_weight": positive, "unhelpful_weight": negative}
    return F.REVIEW.evaluate(values, ["wilson"], overrides={"WILSON_Z": z})["wilson"]


def _review_term(name: str, **values) -> float:
    return F.REVIEW.evaluate(values, [name])[name]


def length_signal(chars: int) -> float:
    return _review_term("length_signal", body_length=chars)


def photo_signal(photos: int) -> float:
    return _review_term("photo_signal", photo_count=photos)


def text_signal(chars: int) -> float:
    return _review_term("text_signal", body_length=chars)


def content_score(length: float, photos: float, text: float) -> float:
    return _review_term("content", length_signal=length, photo_signal=photos, text_signal=text)


def author_prior(level: int) -> float:
    return _review_term("author_prior", author_level=level)


def merit(helpfulness: float, content: float) -> float:
    return _review_term("merit", helpfulness=helpfulness, content=content)


def quality(helpfulness: float, content: float, prior: float, agreement: float) -> float:
    return _review_term("quality", helpfulness=helpfulness, content=content, author_prior=prior, agreement=agreement)


def discover(quality_value: float, created_epoch: float, featured: bool = False) -> float:
    """The stored discover figure (with a moderator's feature boost when `featured`)."""
    plain = _review_term("discover", quality=quality_value, created_epoch=created_epoch)
    return F.FEATURED.evaluate({"discover": plain, "featured": featured}, ["featured_discover"])["featured_discover"]


# Every stored figure of one review's score: its weighted vote sums and FIGURE_COLUMNS.
ReviewFigures = make_dataclass(
    "ReviewFigures", [(name, float) for name in ("helpful_weight", "unhelpful_weight", *F.FIGURE_COLUMNS)], frozen=True
)
ReviewFigures.__doc__ = "Every stored component of one review's score, computed in Python (mirrors the SQL)."


def review_figures(
    *,
    helpful_weight: float,
    unhelpful_weight: float,
    body_length: int,
    photos: int,
    author_level: int,
    created_epoch: float,
    rating: int,
    product_average_rating: float | None = None,
    featured: bool = False,
) -> ReviewFigures:
    """A review's stored figures from its inputs, in the same steps as the SQL, so the two agree
    to the last stored digit (the engine rounds the weighted sums before anything reads them).
    `product_average_rating`: the mean rating of the product's published reviews (see
    product_average_rating()); None: the review's own rating (it agrees with itself)."""
    inputs = {
        "helpful_weight": rnd(helpful_weight),
        "unhelpful_weight": rnd(unhelpful_weight),
        "body_length": body_length,
        "photo_count": photos,
        "author_level": author_level,
        "rating": rating,
        "product_average_rating": float(rating) if product_average_rating is None else product_average_rating,
        "created_epoch": created_epoch,
    }
    figures = F.REVIEW.evaluate(inputs, F.FIGURE_COLUMNS)
    if featured:
        figures["discover"] = discover(figures["quality"], created_epoch, featured=True)
    return ReviewFigures(
        helpful_weight=inputs["helpful_weight"], unhelpful_weight=inputs["unhelpful_weight"], **figures
    )


def product_average_rating(published_ratings: list[int], own_rating: int) -> float:
    """The agreement input of a review: the mean of its product's published reviews' ratings
    (this one's included when it is published), rounded as stored; its own rating when none is."""
    if not published_ratings:
        return float(own_rating)
    return rnd(sum(published_ratings) / len(published_ratings))


def vote_weight(*, young: bool, inactive_or_suspended: bool, level: int) -> float:
    """What every vote of a voter counts (the standing's vote_weight), before the cap and fraud
    factors."""
    values = {"young": young, "inactive_or_suspended": inactive_or_suspended, "level": level}
    return F.VOTER.evaluate(values, ["vote_weight"])["vote_weight"]


def vote_value(*, voter_weight: float, pair_votes: int, flag_status: str | None = None) -> float:
    """What one vote counts: its voter's weight, capped when the voter cast `pair_votes` votes
    on the author's reviews, discounted when linked to a fraud flag ("open" or "confirmed")."""
    values = {
        "voter_weight": voter_weight,
        "pair_votes": pair_votes,
        "flag_confirmed": flag_status == "confirmed",
        "flag_open": flag_status == "open",
    }
    return F.VOTE.evaluate(values, ["vote_value"])["vote_value"]


def review_points(helpful_weight: float, unhelpful_weight: float, merit: float, *, recent: bool = True) -> float:
    """A ranked review's reputation points (OLD_REVIEW_FACTOR of them when not `recent`)."""
    values = {"helpful_weight": helpful_weight, "unhelpful_weight": unhelpful_weight, "merit": merit, "recent": recent}
    return F.POINTS.evaluate(values, ["review_points"])["review_points"]


def reputation(points: float) -> float:
    """A reputation from the sum of its review points (never below 0)."""
    return F.REPUTATION.evaluate({"points": points}, ["reputation"])["reputation"]


def category_mean(weight_sum: float | None, weighted_rating_sum: float | None) -> float:
    """A category's mean rating (its products' prior) from its ranked reviews' quality sums."""
    values = {"quality_sum": weight_sum, "quality_rating_sum": weighted_rating_sum}
    return F.CATEGORY.evaluate(values, ["mean_rating"])["mean_rating"]


def bayesian_product_score(weight_sum: float, weighted_rating_sum: float, category_mean: float | None) -> float:
    """A product's score from its (rounded) quality sums and its category's mean rating."""
    values = {"weight_sum": weight_sum, "weighted_rating_sum": weighted_rating_sum, "category_mean": category_mean}
    return F.PRODUCT.evaluate(values, ["bayesian_score"])["bayesian_score"]
