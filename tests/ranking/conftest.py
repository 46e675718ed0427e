"""Helpers for hand-built ranking cases: seasoned voters (whose votes count fully), reviews with
chosen text and photos, and a rerank call that reports what changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ranking import services
from ranking.models import ReviewerStanding
from reviews.models import HelpfulVote, Review, ReviewPhoto
from tests.factories import ProductFactory, ReviewFactory, UserFactory

LONG_BODY = "Tested for three weeks on combination skin. " * 12  # ~ 530 characters


def seasoned_user(**kwargs):
    """An account older than a week, at level 3 once ranked (its votes count fully)."""
    kwargs.setdefault("date_joined", timezone.now() - timedelta(days=60))
    user = UserFactory(**kwargs)
    ReviewerStanding.objects.update_or_create(user=user, defaults={"level": 3, "vote_weight": 1.0})
    return user


def make_review(*, body: str = LONG_BODY, photos: int = 0, **kwargs) -> Review:
    review = ReviewFactory(body=body, **kwargs)
    for position in range(photos):
        ReviewPhoto.objects.create(review=review, position=position, image="x.jpg", thumbnail="x.jpg")
    return review


def add_votes(review: Review, *, helpful: int = 0, unhelpful: int = 0, voters=None) -> list:
    """Votes written directly (no counters), as the services would, bumping changed_at."""
    now = timezone.now()
    voters = list(voters) if voters is not None else [seasoned_user() for _ in range(helpful + unhelpful)]
    votes = [
        HelpfulVote(user=voter, review=review, helpful=index < helpful, created_at=now, updated_at=now)
        for index, voter in enumerate(voters[: helpful + unhelpful])
    ]
    HelpfulVote.objects.bulk_create(votes)
    Review.objects.filter(pk=review.pk).update(changed_at=now)
    return votes


def rerank(**kwargs):
    result = services.rerank(**kwargs)
    assert not result.skipped, result.reason
    return result


@pytest.fixture
def product(db):
    return ProductFactory()
