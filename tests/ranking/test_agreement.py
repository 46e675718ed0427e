"""The agreement prior: a review's score reads its product's average rating, so creating,
editing, hiding, moving or deleting one review rescores its siblings, and an incremental run
reaches the same figures as a full run."""

import pytest

from ranking import scoring as S
from ranking.models import ReviewScore
from reviews import services as review_services
from reviews.models import Review
from tests.factories import ProductFactory
from tests.ranking.conftest import add_votes, make_review, rerank, seasoned_user
from tests.ranking.test_job import FULL_ONLY, snapshot

pytestmark = pytest.mark.django_db


def score(review) -> ReviewScore:
    return ReviewScore.objects.get(pk=review.pk)


def expected(review, product_ratings: list[int]) -> S.ReviewFigures:
    """The Python form of a review's figures, with no votes, given its product's published ratings."""
    stored = score(review)
    return S.review_figures(
        helpful_weight=0,
        unhelpful_weight=0,
        body_length=review.body_length,
        photos=0,
        author_level=stored.author_level,
        created_epoch=review.created_at.timestamp(),
        rating=review.rating,
        product_average_rating=S.product_average_rating(product_ratings, review.rating),
    )


def assert_full_run_agrees():
    """A full run after the incremental one finds nothing to change in any score or standing."""
    state = snapshot(ranks=False)
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes
    assert snapshot(ranks=False) == state


def test_agreement_is_one_at_the_average_and_falls_by_a_quarter_per_star(product):
    fives = [make_review(product=product, rating=5) for _ in range(3)]
    one = make_review(product=product, rating=1)
    rerank(full=True)
    average = (5 * 3 + 1) / 4
    assert score(one).product_average_rating == average
    assert score(one).agreement == pytest.approx(1 - (average - 1) / 4, abs=1e-6)
    assert score(fives[0]).agreement == pytest.approx(1 - (5 - average) / 4, abs=1e-6)
    # With equal text and no votes, the review near the consensus comes first.
    assert score(fives[0]).quality > score(one).quality
    for review in (*fives, one):
        review.refresh_from_db()
        figures = expected(review, [5, 5, 5, 1])
        stored = score(review)
        for name, value in vars(figures).items():
            assert getattr(stored, name) == pytest.approx(value, abs=2e-6), name


def test_a_new_review_on_a_product_changes_its_siblings_agreement_in_an_incremental_run(product):
    first, second = make_review(product=product, rating=5), make_review(product=product, rating=4)
    elsewhere = make_review(product=ProductFactory(category=product.category), rating=2)
    rerank(full=True)
    assert score(first).product_average_rating == 4.5
    before = score(elsewhere).quality
    newcomer = review_services.review_create(
        author=seasoned_user(), product=product, rating=1, title="Broke in a week", body="x" * 300
    )
    result = rerank()
    assert result.kind == "incremental"
    assert result.notes["reviews_inputs_read"] == 3  # the new review and its two siblings
    for review in (first, second, newcomer):
        stored = score(review)
        assert stored.product_average_rating == pytest.approx(10 / 3, abs=1e-6)
        assert stored.quality == pytest.approx(expected(review, [5, 4, 1]).quality, abs=2e-6)
    assert score(elsewhere).quality == before  # another product's review is not touched
    assert_full_run_agrees()


def test_rating_edits_hiding_moving_and_deleting_rescore_the_siblings(category):
    products = [ProductFactory(category=category) for _ in range(2)]
    authors = [seasoned_user() for _ in range(3)]
    reviews = {
        (p, a): make_review(author=author, product=product, rating=1 + (p + 2 * a) % 5)
        for p, product in enumerate(products)
        for a, author in enumerate(authors)
    }
    voters = [seasoned_user() for _ in range(3)]
    for review in reviews.values():
        add_votes(review, helpful=1, voters=voters[:1])
    rerank(full=True)

    review_services.review_update(review=reviews[0, 0], editor=authors[0], rating=5)
    rerank()
    assert_full_run_agrees()
    Review.objects.filter(pk=reviews[0, 1].pk).update(status=Review.Status.HIDDEN)
    rerank()
    assert_full_run_agrees()
    # A review moved to another product moves both products' averages.
    Review.objects.filter(pk=reviews[0, 2].pk).update(product=ProductFactory(category=category))
    rerank()
    assert_full_run_agrees()
    review_services.review_delete(review=reviews[1, 0], user=authors[0])
    rerank()
    assert_full_run_agrees()
    survivors = Review.objects.filter(product=products[1])
    assert {score(r).product_average_rating for r in survivors} == {
        S.product_average_rating([r.rating for r in survivors], 0)
    }


def test_an_edit_of_the_text_alone_rescores_no_sibling(product):
    author = seasoned_user()
    edited = make_review(author=author, product=product, rating=5)
    make_review(product=product, rating=3)
    rerank(full=True)
    review_services.review_update(review=edited, editor=author, body="A shorter text, rating unchanged. " * 4)
    result = rerank()
    assert result.notes["reviews_inputs_read"] == 1
    assert_full_run_agrees()
