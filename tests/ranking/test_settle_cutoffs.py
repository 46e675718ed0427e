"""Settling the level changes of a full run whose community cut-offs moved (issue 30): a settle
round gives each changed reviewer's reviews the level the run ended with, read from the list of
level changes rather than from each standing."""

import pytest

from ranking import scoring as S
from ranking.models import RerankPending, ReviewerStanding, ReviewScore
from tests.factories import ProductFactory
from tests.ranking.conftest import add_votes, make_review, rerank, seasoned_user

pytestmark = pytest.mark.django_db


def test_a_level_set_by_the_standings_then_moved_by_new_cutoffs_reaches_the_authors_reviews(category, monkeypatch):
    """Three newcomers reach level 5 under the cut-offs of the last run, then fall back once the
    run computes the new ones (they now fill the top shares themselves): their reviews carry the
    level they end the run with, as a full run right after finds."""
    monkeypatch.setattr(S, "LEVEL_MIN_COMMUNITY", 10)
    for _ in range(10):
        make_review(author=seasoned_user(), product=ProductFactory(category=category))
    star = seasoned_user()
    for _ in range(5):
        add_votes(make_review(author=star, product=ProductFactory(category=category)), helpful=2)
    rerank(full=True)
    if ReviewerStanding.objects.get(user=star).level != 5:
        pytest.fail("precondition: the star at level 5 (top 10 % of 11, with the evidence)")
    risers = [seasoned_user() for _ in range(3)]
    for extra, riser in enumerate(risers):
        for n in range(5):
            review = make_review(author=riser, product=ProductFactory(category=category))
            # (Apart by more than the levels' hysteresis, so the new cut-offs move one of them down.)
            add_votes(review, helpful=2 + (3 * extra if n == 0 else 0))
    rerank(full=True)
    levels = dict(ReviewerStanding.objects.values_list("user_id", "level"))
    if not any(levels[riser.pk] < 5 for riser in risers):
        pytest.fail("precondition: a newcomer the new cut-offs put below level 5")
    if RerankPending.objects.filter(reason=RerankPending.Reason.LEVEL_CHANGED).exists():
        pytest.fail("precondition: every level change settled within the run")
    wrong = [
        (score.review_id, score.author_level, levels[score.author_id])
        for score in ReviewScore.objects.all()
        if score.author_level != levels.get(score.author_id, 1)
    ]
    assert wrong == []
    assert "review_scores" not in rerank(full=True).changes
