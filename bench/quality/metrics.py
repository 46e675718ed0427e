"""Metric functions of the ranking quality evaluation: pure Python, no Django, no numpy.

tests/bench/test_quality_eval.py checks them on hand-made examples. Every random draw takes an
explicit seed, so a figure is reproducible from the command line that produced it.
"""

from __future__ import annotations

import math
import operator
import random
from collections.abc import Callable, Sequence


def holdout_split(yes: int, total: int, *, seed: int, key: str) -> tuple[int, int, int, int]:
    """Split one review's votes by a fair coin per vote: (replay_yes, replay_no, held_yes, held_no).

    The coin depends only on (seed, key), not on the order reviews are read in, so a review's
    split is the same whatever else the file holds."""
    rng = random.Random(f"{seed}:{key}")
    no = total - yes
    replay_yes = sum(rng.random() < 0.5 for _ in range(yes))
    replay_no = sum(rng.random() < 0.5 for _ in range(no))
    return replay_yes, replay_no, yes - replay_yes, no - replay_no


def rankdata(values: Sequence[float]) -> list[float]:
    """Ranks 1..n, ties sharing their average rank (as scipy.stats.rankdata's default)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        average = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = average
        i = j + 1
    return ranks


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation; nan when either side is constant or has fewer than 2 values."""
    n = len(x)
    if n < 2:
        return math.nan
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return math.nan
    return sxy / math.sqrt(sxx * syy)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho with average ranks for ties (Pearson of the ranks)."""
    return pearson(rankdata(x), rankdata(y))


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's tau-b (ties on either side accounted for); nan when either side is constant.
    O(n^2): a product has at most a few hundred reviews."""
    n = len(x)
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denominator = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    if denominator == 0:
        return math.nan
    return (concordant - discordant) / denominator


def dcg(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of the first k gains, linear gain, log2(position + 1) discount."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at_k(ordered_gains: Sequence[float], k: int = 5) -> float:
    """NDCG@k of a list already in the method's order; nan when every gain is 0 (nothing to find)."""
    ideal = dcg(sorted(ordered_gains, reverse=True), k)
    if ideal == 0:
        return math.nan
    return dcg(ordered_gains, k) / ideal


def order_by_score(items: Sequence, score: Callable, tiebreak: Callable) -> list:
    """Items best first: by score descending, then by tiebreak descending (Candor breaks ties of
    its most-helpful order by the newest review id; every method here gets the same tiebreak)."""
    return sorted(items, key=lambda item: (score(item), tiebreak(item)), reverse=True)


def top_k_overlap(a: Sequence[str], b: Sequence[str], k: int = 20) -> int:
    """How many of the first k of `a` are among the first k of `b`."""
    return len(set(a[:k]) & set(b[:k]))


def percentile_rank(value: float, population: Sequence[float]) -> float:
    """Share of the population (0..100) strictly below value, plus half of the ties: 100 is the top."""
    below = sum(1 for v in population if v < value)
    equal = sum(1 for v in population if v == value)
    return 100.0 * (below + 0.5 * equal) / len(population)


def mean(values: Sequence[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return sum(values) / len(values) if values else math.nan


def bootstrap_ci(values: Sequence[float], *, seed: int, reps: int = 2000, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (units resampled with replacement; nan dropped)."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return math.nan, math.nan
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(reps))
    low = means[int((1 - level) / 2 * reps)]
    high = means[min(reps - 1, int((1 + level) / 2 * reps))]
    return low, high


def permutation_p(
    groups: Sequence[tuple[Sequence[float], Sequence[float]]], *, seed: int, reps: int = 2000
) -> tuple[float, float]:
    """One-sided permutation test of "x ranks y better than chance", pooled over groups (seeds).

    Statistic: the mean over groups of Spearman's rho. The null shuffles y within each group
    (a review's score and its held-out votes are paired only within one seed's run).
    Returns (statistic, p) with p = (count of shuffles >= statistic + 1) / (reps + 1)."""
    centred = []
    for x, y in groups:
        rx, ry = rankdata(x), rankdata(y)
        n = len(rx)
        if n < 2:
            continue
        mx, my = sum(rx) / n, sum(ry) / n
        cx, cy = [v - mx for v in rx], [v - my for v in ry]
        scale = math.sqrt(sum(v * v for v in cx) * sum(v * v for v in cy))
        if scale > 0:
            centred.append((cx, cy, scale))
    if not centred:
        return math.nan, math.nan
    # Shuffling keeps each side's ranks, so only the cross product changes: rho = sum(cx * cy) / scale.
    observed = sum(sum(map(operator.mul, cx, cy)) / scale for cx, cy, scale in centred) / len(centred)
    rng = random.Random(seed)
    hits = 0
    for _ in range(reps):
        total = 0.0
        for cx, cy, scale in centred:
            shuffled = list(cy)
            rng.shuffle(shuffled)
            total += sum(map(operator.mul, cx, shuffled)) / scale
        if total / len(centred) >= observed - 1e-12:
            hits += 1
    return observed, (hits + 1) / (reps + 1)
