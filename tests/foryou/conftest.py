"""Hand-built For You cases: categories, reviews with a chosen quality (their ranking score row
written directly, as the rerank would), people with chosen signals, and the refresh job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from foryou import services
from ranking import scoring
from ranking.models import ReviewScore
from reviews.models import Review
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory

BODY = "Used it every morning for a month on dry skin; it sinks in fast and leaves no film. " * 3


def scored(review: Review, quality: float = 0.5) -> Review:
    """Give `review` a ranked score row with this quality (discover as the ranking computes it)."""
    epoch = review.created_at.timestamp()
    ReviewScore.objects.update_or_create(
        review=review,
        defaults={
            "product_id": review.product_id,
            "category_id": review.product.category_id,
            "author_id": review.author_id,
            "created_at": review.created_at,
            "rating": review.rating,
            "ranked": True,
            "quality": quality,
            "discover": scoring.discover(quality, epoch),
        },
    )
    return review


def make_review(*, category=None, product=None, author=None, quality: float | None = 0.5, age_hours=100, **kwargs):
    product = product or ProductFactory(category=category or CategoryFactory())
    author = author or UserFactory(date_joined=timezone.now() - timedelta(days=90))
    created = timezone.now() - timedelta(hours=age_hours)
    kwargs.setdefault("body", BODY)
    review = ReviewFactory(product=product, author=author, created_at=created, changed_at=created, **kwargs)
    if quality is not None:
        scored(review, quality)
    return review


def refresh(**kwargs):
    result = services.refresh(**kwargs)
    assert not result.skipped
    return result


@pytest.fixture
def categories(db):
    return {name: CategoryFactory(name=name, slug=name.lower()) for name in ("Skincare", "Makeup", "Snacks", "Audio")}
