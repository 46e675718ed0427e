"""The ranking formula: every constant, in one place.

docs/ranking.md explains this to users; keep the two in step. The SQL in ranking/sql.py is
generated from these constants, and the Python functions below compute the same figures so the
API can explain a score ("why it is ranked here") and the tests can cross-check the SQL.

Vote weights
------------
Each helpful / not-helpful vote counts with a weight::

    weight = age_factor * suspension_factor * level_factor * cap_factor * fraud_factor

- age_factor: accounts younger than YOUNG_ACCOUNT_DAYS count YOUNG_ACCOUNT_FACTOR.
- suspension_factor: suspended or deactivated accounts count SUSPENDED_FACTOR (nothing).
- level_factor: low-reputation voters count less (LEVEL_VOTE_FACTORS, level 3+ count fully).
- cap_factor: one voter's votes on one author's reviews count at most VOTER_AUTHOR_CAP votes in
  total (a fan or a rival cannot carry an author): with n > cap votes each counts cap / n.
- fraud_factor: votes linked to an open fraud flag count FLAG_OPEN_FACTOR, to a confirmed one
  nothing. Self-votes cannot exist (reviews.services.vote_cast refuses them).

Quality of a review (no decay: "most helpful")
----------------------------------------------
- helpfulness: the Wilson lower bound (z = WILSON_Z, 80%) of the weighted share of helpful
  votes, so 2 of 2 ranks below 90 of 100. No votes: 0.
- content: CONTENT_WEIGHTS of a saturating length signal 1 - exp(-chars / LENGTH_SCALE_CHARS),
  photos (min(photos, PHOTO_SATURATION) / PHOTO_SATURATION) and "rating given with text"
  (1 when the body has at least TEXT_MIN_CHARS characters).
- author_prior: (author level - 1) / 9, the author's standing as a prior.

    quality = QUALITY_FLOOR + W_HELPFULNESS * helpfulness + W_CONTENT * content + W_AUTHOR * author_prior

Discover order (decays with age, like a hot ranking)
----------------------------------------------------
    discover = ln(quality) + (created_epoch - EPOCH_ORIGIN) / DISCOVER_TAU_SECONDS [+ ln(FEATURE_BOOST)]

Ordering by this equals ordering by quality * exp(-age / tau) at any moment, because the
"now" term is common to every review; so time passing never forces a rewrite: a review's
discover score changes only when the review (its votes, text, photos, author level) changes.
A moderator's feature adds ln(FEATURE_BOOST) until it expires.

Reviewer reputation
-------------------
Per ranked review::

    points = VOTE_POINTS * (helpful_weight - UNHELPFUL_PENALTY * unhelpful_weight) + MERIT_POINTS * merit
    merit  = W_HELPFULNESS * helpfulness + W_CONTENT * content     (the quality without the prior)

Reviews older than RECENT_REVIEW_DAYS count OLD_REVIEW_FACTOR of their points (1: none less).
Add ACTIVITY_POINTS per active 30-day period (at least one review) in the last ACTIVITY_PERIODS
periods (0: activity earns nothing). reputation = max(0, sum): led by helpful votes received. It
falls with not-helpful votes and removed reviews. Per-category reputation is the same sum over the
category's reviews, without the activity term.

Levels: the highest level reached by either route (level_for): the absolute one, reputation >=
settings.RANKING_LEVEL_THRESHOLDS[level - 1]; or the community one (LEVEL_RULES): reputation >=
that level's cut-off (the reputation of the last reviewer inside its share of active reviewers,
computed by each full run, ranking.levels) with the rule's minimum reviews and helpful weight.

Product ranking per category
----------------------------
A Bayesian average of ratings weighted by review quality::

    score = (PRODUCT_PRIOR_WEIGHT * category_mean + sum(quality * rating)) / (PRODUCT_PRIOR_WEIGHT + sum(quality))

where category_mean is the quality-weighted mean rating of the category (refreshed by the full
rerank). Products need settings.RANKING_PRODUCT_MIN_REVIEWS published reviews to be ranked.

Rounding
--------
Stored figures are rounded to ROUND_DIGITS decimals, on both databases, so that re-running the
job on unchanged data yields bit-identical values and `IS DISTINCT FROM` writes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

ROUND_DIGITS = 6

# --- vote weights ---------------------------------------------------------------------------
YOUNG_ACCOUNT_DAYS = 7
YOUNG_ACCOUNT_FACTOR = 0.25
SUSPENDED_FACTOR = 0.0
# Level -> factor; levels not listed count 1.0.
LEVEL_VOTE_FACTORS = {1: 0.6, 2: 0.8}
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
ACTIVITY_POINTS = 0.0
ACTIVITY_PERIOD_SECONDS = 30 * 86400
ACTIVITY_PERIODS = 12

# --- products ---------------------------------------------------------------------------------
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
    return round(value, ROUND_DIGITS)


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


# Levels 2..10. The absolute route (settings.RANKING_LEVEL_THRESHOLDS) stays open whatever the
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


def level_thresholds() -> list[float]:
    """The absolute route: reputation that reaches each level (index 0 is level 1)."""
    return list(settings.RANKING_LEVEL_THRESHOLDS)


def cutoff_position(share: float, active_reviewers: int) -> int:
    """1-based position (by reputation, descending) of the last reviewer inside the top `share`."""
    return max(1, math.ceil(share * active_reviewers))


def level_for(
    reputation: float,
    review_count: int = 0,
    helpful_weight: float = 0.0,
    cutoffs: dict[int, float] | None = None,
) -> int:
    """The highest level reached by the absolute route, or by the community route given the
    current cut-offs (level -> reputation; None or missing: that route is closed)."""
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


def wilson_lower_bound(positive: float, negative: float, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval for the share of positive votes (weighted)."""
    n = positive + negative
    if n <= 0:
        return 0.0
    p = positive / n
    z2 = z * z
    return (p + z2 / (2 * n) - z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)


def length_signal(chars: int) -> float:
    return 1 - math.exp(-chars / LENGTH_SCALE_CHARS)


def photo_signal(photos: int) -> float:
    return min(photos, PHOTO_SATURATION) / PHOTO_SATURATION


def text_signal(chars: int) -> float:
    return 1.0 if chars >= TEXT_MIN_CHARS else 0.0


def content_score(length: float, photos: float, text: float) -> float:
    w = CONTENT_WEIGHTS
    return w["length"] * length + w["photos"] * photos + w["text"] * text


def author_prior(level: int) -> float:
    return (level - 1) / 9


def merit(helpfulness: float, content: float) -> float:
    return W_HELPFULNESS * helpfulness + W_CONTENT * content


def quality(helpfulness: float, content: float, prior: float) -> float:
    return QUALITY_FLOOR + W_HELPFULNESS * helpfulness + W_CONTENT * content + W_AUTHOR * prior


def discover(quality_value: float, created_epoch: float, featured: bool = False) -> float:
    boost = math.log(FEATURE_BOOST) if featured else 0.0
    return math.log(quality_value) + (created_epoch - EPOCH_ORIGIN) / DISCOVER_TAU_SECONDS + boost


@dataclass(frozen=True)
class ReviewFigures:
    """Every stored component of one review's score, computed in Python (mirrors the SQL)."""

    helpful_weight: float
    unhelpful_weight: float
    helpfulness: float
    length_signal: float
    photo_signal: float
    text_signal: float
    content: float
    author_prior: float
    merit: float
    quality: float
    discover: float


def review_figures(
    *,
    helpful_weight: float,
    unhelpful_weight: float,
    body_length: int,
    photos: int,
    author_level: int,
    created_epoch: float,
    featured: bool = False,
) -> ReviewFigures:
    """The same rounding steps as the SQL, so the two agree to the last stored digit."""
    hw, uw = rnd(helpful_weight), rnd(unhelpful_weight)
    helpfulness = rnd(wilson_lower_bound(hw, uw))
    ls, ps, ts = rnd(length_signal(body_length)), rnd(photo_signal(photos)), text_signal(body_length)
    content = rnd(content_score(ls, ps, ts))
    prior = rnd(author_prior(author_level))
    q = rnd(quality(helpfulness, content, prior))
    return ReviewFigures(
        helpful_weight=hw,
        unhelpful_weight=uw,
        helpfulness=helpfulness,
        length_signal=ls,
        photo_signal=ps,
        text_signal=ts,
        content=content,
        author_prior=prior,
        merit=rnd(merit(helpfulness, content)),
        quality=q,
        discover=rnd(discover(q, created_epoch, featured)),
    )


def bayesian_product_score(weight_sum: float, weighted_rating_sum: float, category_mean: float) -> float:
    return (PRODUCT_PRIOR_WEIGHT * category_mean + weighted_rating_sum) / (PRODUCT_PRIOR_WEIGHT + weight_sum)
