"""The formula itself, in Python (the SQL is cross-checked against it in test_order.py)."""

import math

import pytest

from ranking import scoring as S


def test_wilson_confidence_beats_raw_share():
    assert S.wilson_lower_bound(2, 0) < S.wilson_lower_bound(90, 10)
    assert S.wilson_lower_bound(0, 0) == 0.0
    assert S.wilson_lower_bound(9, 1) < S.wilson_lower_bound(90, 10)  # same share, more evidence
    assert round(S.wilson_lower_bound(90, 10), 3) == 0.855  # z = 1.2816


def test_discover_orders_like_quality_decaying_with_age():
    """ln(q) + created/tau orders exactly like q * exp(-age/tau) at any moment."""
    reviews = [(0.9, 1_760_000_000), (0.3, 1_760_100_000), (0.6, 1_760_050_000), (0.05, 1_760_200_000)]
    by_stored = sorted(reviews, key=lambda r: S.discover(*r), reverse=True)
    for now in (1_760_200_000, 1_760_900_000, 1_790_000_000):
        by_decay = sorted(reviews, key=lambda r: r[0] * math.exp(-(now - r[1]) / S.DISCOVER_TAU_SECONDS), reverse=True)
        assert by_decay == by_stored


def test_twice_the_quality_stays_ahead_for_tau_ln2():
    older = S.discover(0.8, 1_760_000_000)
    just_inside = S.discover(0.4, 1_760_000_000 + S.DISCOVER_TAU_SECONDS * math.log(2) - 60)
    just_outside = S.discover(0.4, 1_760_000_000 + S.DISCOVER_TAU_SECONDS * math.log(2) + 60)
    assert just_inside < older < just_outside


@pytest.mark.parametrize(
    ("reputation", "level"), [(0, 1), (9.99, 1), (10, 2), (29, 2), (30, 3), (4999, 9), (5000, 10), (10**6, 10)]
)
def test_level_thresholds(reputation, level):
    assert S.level_for(reputation) == level


def test_a_level_held_is_kept_within_the_hysteresis_margin():
    # Level 3 needs 30: a level-3 reviewer keeps it down to 30 / 1.1, then falls to what the same
    # margin still reaches (level 2 needs 10: kept down to 10 / 1.1).
    assert S.LEVEL_HYSTERESIS == 0.1
    assert S.level_for(27.3, previous=3) == 3
    assert S.level_for(27.2, previous=3) == 2
    assert S.level_for(27.2) == S.level_for(27.2, previous=2) == 2
    assert S.level_for(9.1, previous=3) == 2
    assert S.level_for(9.0, previous=3) == 1
    assert S.level_for(31, previous=2) == 3  # rising needs the bar itself
    assert S.level_for(29, previous=2) == 2


def test_level_progress():
    progress = S.level_progress(20)
    assert (progress.level, progress.next_level, progress.next_threshold, progress.fraction) == (2, 3, 30, 0.5)
    top = S.level_progress(6000)
    assert (top.level, top.next_level, top.next_threshold, top.fraction) == (10, None, None, 1.0)


def test_level_table_comes_from_the_thresholds(monkeypatch):
    monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, 5, 50])
    assert S.level_for(49) == 2
    assert S.level_for(50) == 3


def test_content_signals_saturate():
    assert S.length_signal(0) == 0
    assert 0.6 < S.length_signal(600) < 0.65
    assert S.length_signal(6000) > 0.9999
    assert S.photo_signal(9) == S.photo_signal(3) == 1.0
    assert S.text_signal(S.TEXT_MIN_CHARS - 1) == 0.0
