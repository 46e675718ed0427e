"""The metric code of bench/quality/ on hand-made examples (no database, no data files)."""

import importlib.util
import math
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "quality" / "metrics.py"
_spec = importlib.util.spec_from_file_location("bench_quality_metrics", _PATH)
M = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(M)


def test_ndcg_is_one_for_the_ideal_order_and_lower_for_a_worse_one():
    assert M.ndcg_at_k([1.0, 0.5, 0.0], 5) == pytest.approx(1.0)
    # Worst first: DCG = 0 + 0.5/log2(3) + 1/log2(4) = 0.8155; ideal 1 + 0.5/log2(3) = 1.3155.
    assert M.ndcg_at_k([0.0, 0.5, 1.0], 5) == pytest.approx(0.8155 / 1.3155, abs=1e-4)


def test_ndcg_counts_only_the_first_k_positions():
    # The only gain sits at position 3, outside the top 2.
    assert M.ndcg_at_k([0.0, 0.0, 1.0], 2) == 0.0
    assert math.isnan(M.ndcg_at_k([0.0, 0.0], 5))


def test_kendall_tau_b_agrees_disagrees_and_handles_ties():
    assert M.kendall_tau_b([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert M.kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # scipy.stats.kendalltau([1, 2, 2, 3], [1, 2, 3, 3]) = 0.8 (tau-b).
    assert M.kendall_tau_b([1, 2, 2, 3], [1, 2, 3, 3]) == pytest.approx(0.8)
    assert math.isnan(M.kendall_tau_b([1, 1, 1], [1, 2, 3]))


def test_spearman_uses_average_ranks_for_ties():
    assert M.rankdata([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert M.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(0.8207826816681233)
    assert M.spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_holdout_split_is_deterministic_per_seed_and_review_and_keeps_every_vote():
    first = M.holdout_split(40, 50, seed=1, key="A1:B2")
    assert first == M.holdout_split(40, 50, seed=1, key="A1:B2")
    ry, rn, hy, hn = first
    assert (ry + hy, rn + hn) == (40, 10)
    splits = {M.holdout_split(40, 50, seed=s, key="A1:B2") for s in range(1, 6)}
    assert len(splits) > 1  # another seed, another coin
    assert M.holdout_split(0, 0, seed=1, key="x") == (0, 0, 0, 0)


def test_holdout_split_is_about_half():
    replayed = sum(M.holdout_split(100, 100, seed=7, key=str(i))[0] for i in range(50))
    assert 2300 < replayed < 2700


def test_top_k_overlap_and_percentile_rank():
    assert M.top_k_overlap(["a", "b", "c", "d"], ["d", "c", "x", "y"], 2) == 0
    assert M.top_k_overlap(["a", "b", "c", "d"], ["b", "a", "x"], 2) == 2
    assert M.percentile_rank(9, list(range(10))) == pytest.approx(95.0)


def test_order_by_score_breaks_ties_by_the_tiebreak_descending():
    items = [(1, 0.5), (2, 0.9), (3, 0.5)]
    assert [i for i, _ in M.order_by_score(items, lambda t: t[1], lambda t: t[0])] == [2, 3, 1]


def test_permutation_p_small_for_a_real_signal_and_large_for_none():
    x = list(range(60))
    rho, p = M.permutation_p([(x, [v + (v % 7) for v in x])], seed=1, reps=300)
    assert rho > 0.9 and p < 0.01
    rho, p = M.permutation_p([(x, [(v * 37) % 60 for v in x])], seed=1, reps=300)
    assert p > 0.05


def test_bootstrap_ci_brackets_the_mean():
    values = [0.2, 0.4, 0.6, 0.8, 1.0] * 10
    low, high = M.bootstrap_ci(values, seed=3, reps=500)
    assert low < M.mean(values) < high
    assert M.bootstrap_ci([3.0, 3.0], seed=1, reps=50) == (3.0, 3.0)
