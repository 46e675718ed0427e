"""Which rank badges a reviewer has earned, and which one is shown.

A rank badge is a share of a real population ("Top 5% in Skincare"), never a bare "Top 100":
in a community of 80, everyone is in the top 100. It needs a population of at least
RANK_BADGE_MIN_POPULATION reviewers with a ranked review (overall, or in the category) and
evidence of merit from the reviewer (RANK_BADGE_MIN_REVIEWS ranked reviews and
RANK_BADGE_MIN_HELPFUL_WEIGHT of helpful votes received, weighted as for reputation). Next to
an author's name only the best badge is shown (badges are ordered best first); the profile
folds the others behind a count. docs/ranking.md publishes these numbers.
"""

from __future__ import annotations

import math

from . import scoring as S

# Shares of the population, best first: "Top 1%", "Top 5%", "Top 10%".
RANK_BADGE_PERCENTS = (1, 5, 10)
# The same floor as the levels' community route: a rank among a handful of people says little.
RANK_BADGE_MIN_POPULATION = S.LEVEL_MIN_COMMUNITY
RANK_BADGE_MIN_REVIEWS = 3
RANK_BADGE_MIN_HELPFUL_WEIGHT = 2.0


def has_evidence(review_count: int, helpful_weight: float) -> bool:
    """Enough ranked reviews and helpful votes for a rank to mean something."""
    return review_count >= RANK_BADGE_MIN_REVIEWS and helpful_weight >= RANK_BADGE_MIN_HELPFUL_WEIGHT


def rank_percent(rank: int | None, population: int) -> int | None:
    """The best share (in percent) of `population` that `rank` falls in, or None when the rank is
    unknown, the population too small or the rank outside every share. Rank 1 of 50 is in the
    top 2%, so "Top 5%"; a share must hold at least one whole reviewer."""
    if rank is None or population < RANK_BADGE_MIN_POPULATION:
        return None
    return next((pct for pct in RANK_BADGE_PERCENTS if rank <= math.floor(population * pct / 100)), None)
