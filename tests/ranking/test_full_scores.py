"""The full run's score step on PostgreSQL (ranking.engine.Engine.score_all): every input is
recomputed from the base tables; the figures are recomputed where an input changed, for featured
and never-scored reviews, and everywhere when the formula changed since the last full run."""

import pytest
from django.db import connection

from ranking import engine
from ranking import scoring as S
from ranking.engine import scores
from ranking.models import RerankRun, ReviewScore
from tests.ranking.conftest import BASE_WEIGHT, add_votes, make_review, rerank
from tests.ranking.test_job import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs the portable score statement, covered elsewhere")


def figures(review) -> dict:
    stored = ReviewScore.objects.get(pk=review.pk)
    return {name: getattr(stored, name) for name in engine.SCORE_COLUMNS}


def test_a_full_run_records_the_formula_and_the_next_one_rescores_only_changed_inputs(product):
    voted, untouched = make_review(product=product), make_review(product=product)
    add_votes(voted, helpful=2)
    first = rerank(full=True)
    formula = RerankRun.objects.get(pk=first.run_id).changes["score_formula"]
    assert formula == engine.Engine().score_formula()
    untouched_before = figures(untouched)
    add_votes(voted, helpful=1)
    second = rerank(full=True)
    assert second.changes.get("review_scores") == 1
    assert "score_formula_changed" not in second.notes
    assert ReviewScore.objects.get(pk=voted.pk).helpful_weight == pytest.approx(3 * BASE_WEIGHT)
    assert figures(untouched) == untouched_before


def test_a_changed_formula_rescores_every_review(product, monkeypatch):
    reviews = [make_review(product=product) for _ in range(3)]
    for review in reviews:
        add_votes(review, helpful=2)
    rerank(full=True)
    before = {review.pk: ReviewScore.objects.get(pk=review.pk).quality for review in reviews}
    monkeypatch.setattr(S, "W_CONTENT", S.W_CONTENT * 2)
    changed = rerank(full=True)
    assert changed.notes.get("score_formula_changed") == 1
    assert changed.changes.get("review_scores") == 3
    for review in reviews:
        stored = ReviewScore.objects.get(pk=review.pk)
        assert stored.quality > before[review.pk]
        assert stored.quality == pytest.approx(
            S.quality(stored.helpfulness, stored.content, stored.author_prior, stored.agreement), abs=2e-6
        )
    assert rerank(full=True).changes.get("review_scores") is None  # recorded: nothing left to redo


def test_a_score_row_never_computed_is_computed_even_when_its_inputs_look_unchanged(product):
    review = make_review(product=product)
    rerank(full=True)
    computed = figures(review)
    # As a row created by an earlier run that died before scoring it: the inputs copied, no figures.
    ReviewScore.objects.filter(pk=review.pk).update(
        helpfulness=0, length_signal=0, photo_signal=0, text_signal=0, content=0, merit=0, quality=0, discover=0
    )
    assert rerank(full=True).changes.get("review_scores") == 1
    assert figures(review) == computed


def test_the_array_parameters_give_what_the_joins_give(product, monkeypatch):
    reviews = [make_review(product=product) for _ in range(3)]
    for index, review in enumerate(reviews):
        add_votes(review, helpful=index + 1, unhelpful=1)
    rerank(full=True)
    with_array = snapshot()
    # Forget the stored sums and recompute them through the joins instead of the arrays.
    ReviewScore.objects.update(helpful_weight=0, unhelpful_weight=0)
    monkeypatch.setattr(scores, "MAX_LOOKUP_ARRAY", 0)
    assert rerank(full=True).changes.get("review_scores") == 3
    assert snapshot() == with_array


def test_a_review_new_since_the_last_run_gets_its_score_row_and_figures_from_the_same_pass(product):
    make_review(product=product)
    rerank(full=True)
    newcomer = make_review(product=product)
    add_votes(newcomer, helpful=2)
    result = rerank(full=True)
    assert result.changes.get("scores_created") == 1
    stored = ReviewScore.objects.get(pk=newcomer.pk)
    assert stored.ranked and stored.helpful_weight == pytest.approx(2 * BASE_WEIGHT)
    assert stored.quality == pytest.approx(
        S.quality(stored.helpfulness, stored.content, stored.author_prior, stored.agreement), abs=2e-6
    )
