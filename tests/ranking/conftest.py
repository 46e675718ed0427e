"""Helpers for hand-built ranking cases: accounts older than a week (whose votes count at their
level's weight), reviews with chosen text and photos, votes with chosen timestamps, and a rerank
call that fails loudly when skipped."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from ranking import scoring as S
from ranking import services
from reviews.models import HelpfulVote, Review, ReviewPhoto
from reviews.services import vote_tally_move
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory

LONG_BODY = "Tested for three weeks on combination skin; no pilling under sunscreen. " * 8  # 584 chars

# A voter at level 1 (no reviews of their own), account older than a week.
BASE_WEIGHT = S.level_vote_factor(1)


def seasoned_user(**kwargs):
    kwargs.setdefault("date_joined", timezone.now() - timedelta(days=60))
    return UserFactory(**kwargs)


def make_review(*, body: str = LONG_BODY, photos: int = 0, **kwargs) -> Review:
    kwargs.setdefault("author", seasoned_user())
    review = ReviewFactory(body=body, **kwargs)
    for position in range(photos):
        ReviewPhoto.objects.create(review=review, position=position, image="x.jpg", thumbnail="x.jpg")
    return review


def add_votes(review: Review, *, helpful: int = 0, unhelpful: int = 0, voters=None, at=None) -> list[HelpfulVote]:
    """Votes written directly (bulk), bumping changed_at and the voter tallies as reviews.services does."""
    at = at or timezone.now()
    voters = list(voters) if voters is not None else [seasoned_user() for _ in range(helpful + unhelpful)]
    votes = [
        HelpfulVote(user=voter, review=review, helpful=index < helpful, created_at=at, updated_at=at)
        for index, voter in enumerate(voters[: helpful + unhelpful])
    ]
    HelpfulVote.objects.bulk_create(votes)
    for vote in votes:
        vote_tally_move(voter_id=vote.user_id, author_id=review.author_id, votes=1, helpful_votes=int(vote.helpful))
    counted = [v.helpful for v in votes]
    Review.objects.filter(pk=review.pk).update(
        helpful_count=F("helpful_count") + counted.count(True),
        not_helpful_count=F("not_helpful_count") + counted.count(False),
        changed_at=timezone.now(),
    )
    return votes


def rerank(**kwargs):
    result = services.rerank(**kwargs)
    assert not result.skipped, result.reason
    return result


@pytest.fixture
def category(db):
    return CategoryFactory()


@pytest.fixture
def product(category):
    return ProductFactory(category=category)
