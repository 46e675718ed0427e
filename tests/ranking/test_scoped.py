"""Scoped (incremental) runs recompute only the category standings their changes touch, and
still reach what a full run computes. Every write is dated past the watermark overlap first, so
only the changes under test are in scope."""

import pytest
from django.utils import timezone

from ranking.models import CategoryStanding, ProductScore
from reviews import services as review_services
from reviews.models import Review
from tests.factories import CategoryFactory, ProductFactory
from tests.ranking.conftest import add_votes, make_review, rerank, seasoned_user
from tests.ranking.test_job import FULL_ONLY, snapshot
from tests.ranking.test_split import settle_in_the_past

pytestmark = pytest.mark.django_db


def two_category_author():
    skincare, haircare = CategoryFactory(), CategoryFactory()
    author = seasoned_user()
    voters = [seasoned_user() for _ in range(6)]
    reviews = {
        category: [make_review(author=author, product=ProductFactory(category=category)) for _ in range(2)]
        for category in (skincare, haircare)
    }
    for review_list in reviews.values():
        for review in review_list:
            add_votes(review, helpful=4, voters=voters[:4])
    rerank(full=True)
    settle_in_the_past()
    return author, voters, skincare, haircare, reviews


def assert_full_run_agrees():
    state = snapshot(ranks=False)
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes
    assert snapshot(ranks=False)[2] == state[2]  # category standings


def test_a_vote_recomputes_only_its_categorys_standing(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    before = {cs.category_id: cs.reputation for cs in CategoryStanding.objects.filter(user=author)}
    review_services.vote_cast(user=voters[5], review=reviews[skincare][0], helpful=True)
    result = rerank()
    assert result.changes.get("category_standings") == 1
    after = {cs.category_id: cs.reputation for cs in CategoryStanding.objects.filter(user=author)}
    assert after[skincare.pk] > before[skincare.pk] and after[haircare.pk] == before[haircare.pk]
    assert_full_run_agrees()


def test_deleting_an_authors_last_review_in_a_category_removes_that_standing(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    for review in reviews[haircare]:
        review_services.review_delete(review=review, user=author)
    rerank()
    assert set(CategoryStanding.objects.filter(user=author).values_list("category_id", flat=True)) == {skincare.pk}
    assert_full_run_agrees()


def test_hiding_a_review_and_a_level_change_settle_like_a_full_run(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    newcomer = seasoned_user()
    review = make_review(author=newcomer, product=ProductFactory(category=haircare))
    add_votes(review, helpful=6, voters=[seasoned_user() for _ in range(6)])
    review_services.vote_cast(user=newcomer, review=reviews[skincare][1], helpful=False)
    Review.objects.filter(pk=reviews[haircare][0].pk).update(status=Review.Status.HIDDEN, changed_at=timezone.now())
    rerank()
    assert_full_run_agrees()


def test_a_full_run_inserts_updates_and_deletes_category_standings(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    newcomer = seasoned_user()
    make_review(author=newcomer, product=ProductFactory(category=skincare))  # a new pair
    add_votes(reviews[skincare][0], helpful=1, voters=[voters[5]])  # a changed pair
    for review in reviews[haircare]:  # a pair that disappears
        review_services.review_delete(review=review, user=author)
    before = CategoryStanding.objects.get(user=author, category=skincare).reputation
    result = rerank(full=True)
    assert result.changes["category_standings"] == 3
    pairs = set(CategoryStanding.objects.values_list("user_id", "category_id"))
    assert pairs == {(author.pk, skincare.pk), (newcomer.pk, skincare.pk)}
    assert CategoryStanding.objects.get(user=author, category=skincare).reputation > before
    assert rerank(full=True).changes.get("category_standings", 0) == 0


def test_a_review_moved_to_another_product_refreshes_both_products_and_categories(category):
    """A scoped run recomputes what the changed score rows touched before and after the change:
    the product and category a review leaves as well as the ones it joins."""
    author, voters, skincare, haircare, reviews = two_category_author()
    moved = reviews[skincare][0]
    leaving, joining = moved.product, ProductFactory(category=haircare)
    assert ProductScore.objects.get(product=leaving).review_count == 1
    Review.objects.filter(pk=moved.pk).update(product=joining, changed_at=timezone.now())
    result = rerank()
    assert result.kind == "incremental"
    assert ProductScore.objects.get(product=leaving).review_count == 0
    assert ProductScore.objects.get(product=joining).review_count == 1
    counts = dict(CategoryStanding.objects.filter(user=author).values_list("category_id", "review_count"))
    assert counts == {skincare.pk: 1, haircare.pk: 3}
    assert_full_run_agrees()
    assert ProductScore.objects.get(product=leaving).review_count == 0


def product_figures():
    return sorted(
        ProductScore.objects.values_list(
            "product_id", "review_count", "average_rating", "weight_sum", "weighted_rating_sum"
        )
    )


def test_product_sums_moved_by_scoped_runs_equal_a_full_recount(category):
    """Scoped runs move a product's sums by what its changed score rows add and take away; over
    several runs (votes, a rating edit, a hidden review, a move, a new and a deleted review) the
    figures stay exactly those a full run counts from every score row."""
    author, voters, skincare, haircare, reviews = two_category_author()
    shared = ProductFactory(category=skincare)
    extra = [make_review(product=shared, rating=rating) for rating in (5, 4, 2)]
    add_votes(extra[0], helpful=3, voters=voters[:3])
    rerank(full=True)
    settle_in_the_past()
    steps = [
        lambda: add_votes(extra[1], helpful=2, unhelpful=1, voters=voters[:3]),
        lambda: Review.objects.filter(pk=extra[2].pk).update(rating=5, changed_at=timezone.now()),
        lambda: Review.objects.filter(pk=extra[0].pk).update(status=Review.Status.HIDDEN, changed_at=timezone.now()),
        lambda: Review.objects.filter(pk=reviews[haircare][0].pk).update(product=shared, changed_at=timezone.now()),
        lambda: add_votes(make_review(product=shared, rating=1), helpful=1, voters=voters[5:6]),
        lambda: review_services.review_delete(review=extra[1], user=extra[1].author),
    ]
    for step in steps:
        step()
        assert rerank().kind == "incremental"
        moved = product_figures()
        # (A full run also refreshes the category priors, so Bayesian scores may move: not compared.)
        rerank(full=True)
        assert product_figures() == moved, step
        settle_in_the_past()
    # Ranked on `shared`: the edited review, the moved one and the new one (one hidden, one deleted).
    assert ProductScore.objects.get(product=shared).review_count == 3
