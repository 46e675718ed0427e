"""Review changes (ranking 0016): database triggers record every change to what a review's score
is computed from, whatever path made it; an incremental run reads those reviews' inputs again
and keeps the stored inputs of a review in scope only for its votes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ranking import scoring as S
from ranking.engine import standings
from ranking.models import ProductScore, RerankPending, ReviewChange, ReviewerStanding, ReviewScore
from reviews import services as review_services
from reviews.models import Product, Review, ReviewPhoto
from tests.factories import CategoryFactory, ProductFactory
from tests.ranking.conftest import add_votes, make_review, rerank, seasoned_user
from tests.ranking.test_job import FULL_ONLY, snapshot
from tests.ranking.test_scoped import two_category_author
from tests.ranking.test_split import settle_in_the_past

pytestmark = pytest.mark.django_db


def changes() -> list[int]:
    return sorted(ReviewChange.objects.values_list("review_id", flat=True))


def test_every_change_to_a_reviews_inputs_is_recorded_whatever_wrote_it(category):
    review = make_review(product=ProductFactory(category=category))
    sibling = make_review(product=review.product)
    assert changes() == sorted([review.pk, sibling.pk])  # created
    one = Review.objects.filter(pk=review.pk)
    edits = {
        "rating": 1,
        "status": Review.Status.HIDDEN,
        "body": "Shorter now.",
        "product": ProductFactory(category=category),
        "author": seasoned_user(),
        "created_at": timezone.now() - timedelta(days=3),
    }
    for field, value in edits.items():
        ReviewChange.objects.all().delete()
        one.update(**{field: value})
        assert changes() == [review.pk], field
    # What the cards show changes often and moves no score: counters and changed_at record nothing.
    ReviewChange.objects.all().delete()
    one.update(helpful_count=7, comment_count=2, changed_at=timezone.now(), title="A new title")
    assert changes() == []
    photo = ReviewPhoto.objects.create(review=review, position=0, image="x.jpg", thumbnail="x.jpg")
    assert changes() == [review.pk]
    ReviewChange.objects.all().delete()
    ReviewPhoto.objects.filter(pk=photo.pk).update(review=sibling)
    assert changes() == sorted([review.pk, sibling.pk])
    ReviewChange.objects.all().delete()
    photo.delete()
    assert changes() == [sibling.pk]
    # A product moved to another category moves every one of its reviews.
    ReviewChange.objects.all().delete()
    Product.objects.filter(pk=sibling.product_id).update(category=CategoryFactory())
    assert changes() == [sibling.pk]


def test_inputs_changed_behind_the_services_back_are_read_by_the_next_incremental_run(category):
    """A bulk update that bumps no changed_at (a script, the shell) still reaches the ranking."""
    author, voters, skincare, haircare, reviews = two_category_author()
    target = reviews[skincare][0]
    Review.objects.filter(pk=target.pk).update(rating=1)
    ReviewPhoto.objects.create(review=target, position=0, image="x.jpg", thumbnail="x.jpg")
    moved = reviews[haircare][0]
    Product.objects.filter(pk=moved.product_id).update(category=skincare)
    result = rerank()
    assert result.kind == "incremental"
    assert result.notes["reviews_inputs_read"] == 2
    assert ReviewChange.objects.count() == 0  # taken by the run
    score = ReviewScore.objects.get(review=target)
    assert (score.rating, score.photo_count) == (1, 1)
    assert ReviewScore.objects.get(review=moved).category_id == skincare.pk
    assert ProductScore.objects.get(product_id=moved.product_id).category_id == skincare.pk
    state = snapshot(ranks=False)
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes
    assert snapshot(ranks=False) == state


def test_a_review_in_scope_only_for_its_votes_keeps_its_stored_inputs(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    voted, edited = reviews[skincare]
    add_votes(voted, helpful=1, voters=voters[5:6])
    review_services.review_update(review=edited, editor=author, rating=2)
    result = rerank()
    assert result.notes["reviews_inputs_read"] == 1  # the edited review only
    assert ReviewScore.objects.get(review=edited).rating == 2
    state = snapshot(ranks=False)
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes
    assert snapshot(ranks=False) == state


def test_a_level_change_left_to_the_next_run_reads_the_authors_inputs_again(category, monkeypatch):
    """When the settle rounds run out, the next run rescores the author's reviews with the new
    level, although nothing else about them changed."""
    # Two reviews' merit stay below 2 (at most ~0.85 points each); six helpful votes pass it.
    monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, 2, *(10**6 * n for n in range(1, 9))])
    author, voters, skincare, haircare, reviews = two_category_author()
    newcomer = seasoned_user()
    voted = make_review(author=newcomer, product=ProductFactory(category=haircare))
    other = make_review(author=newcomer, product=ProductFactory(category=skincare))
    rerank()
    settle_in_the_past()
    add_votes(voted, helpful=6, voters=[seasoned_user() for _ in range(6)])
    with monkeypatch.context() as no_rounds:
        no_rounds.setattr(standings, "SETTLE_ROUNDS", 0)
        rerank()
    level = ReviewerStanding.objects.get(user=newcomer).level
    assert level > 1
    assert ReviewScore.objects.get(review=other).author_level == 1  # left for the next run
    assert RerankPending.objects.filter(user_id=newcomer.pk, reason=RerankPending.Reason.LEVEL_CHANGED).exists()
    rerank()
    assert ReviewScore.objects.get(review=other).author_level == level
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes


def test_a_review_with_no_score_row_that_only_votes_bring_in_waits_for_the_full_run(category):
    """Creating a review records a review change, so an incremental run creates the score rows of
    the reviews whose inputs it reads. A review with no score row and no change recorded (a bulk
    path with the triggers off) is left to the nightly full run, which scores it in full."""
    author, voters, skincare, haircare, reviews = two_category_author()
    unseen = reviews[skincare][0]
    ReviewScore.objects.filter(review=unseen).delete()
    ReviewChange.objects.all().delete()
    add_votes(unseen, helpful=1, voters=voters[5:6])
    assert rerank().kind == "incremental"
    assert not ReviewScore.objects.filter(review=unseen).exists()
    rerank(full=True)
    score = ReviewScore.objects.get(review=unseen)
    assert (score.ranked, score.body_length, score.rating) == (True, unseen.body_length, unseen.rating)
    assert set(rerank(full=True).changes) <= FULL_ONLY
