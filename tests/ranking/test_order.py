from ranking.models import ReviewScore
from tests.ranking.conftest import add_votes, make_review, rerank


def test_confidence_beats_raw_share(product):
    """2 helpful of 2 ranks below 90 of 100: the Wilson lower bound, not the ratio."""
    few = make_review(product=product)
    many = make_review(product=product)
    add_votes(few, helpful=2)
    add_votes(many, helpful=90, unhelpful=10)
    rerank(full=True)
    few_score, many_score = ReviewScore.objects.get(pk=few.pk), ReviewScore.objects.get(pk=many.pk)
    assert few_score.helpfulness < many_score.helpfulness
    assert few_score.quality < many_score.quality
