"""Review.changed_at is kept by database triggers (reviews migration 0011): any writer's change to
what a review's card shows or its ranking reads sets it (a queryset update as the admin or a
script makes, raw SQL, the services), so the card cache's key changes and the rerank's
`changed_at > since` finds the review; nobody sets it by hand."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ranking.formula.sql import rescore_watch
from reviews import cards
from reviews.models import Product, Review, ReviewPhoto, Tag
from tests.factories import BrandFactory, ProductFactory, ReviewFactory
from tests.reviews.test_cards import assert_everywhere, card_of, rerank, warm

pytestmark = pytest.mark.django_db

TRIGGERS = importlib.import_module("reviews.migrations.0011_changed_at_triggers")
PAST = timezone.now() - timedelta(days=3)


@pytest.fixture
def cached_pages():
    """A product with three ranked reviews; returns (product, reviews)."""
    product = ProductFactory(slug="barrier-cream")
    reviews = [ReviewFactory(product=product, title=f"Review number {n} of the cream") for n in range(3)]
    rerank()
    return product, reviews


def stamped(review: Review):
    return Review.objects.values_list("changed_at", flat=True).get(pk=review.pk)


def set_back(*reviews: Review) -> None:
    """changed_at three days back (an update of changed_at alone is kept as written)."""
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(changed_at=PAST)
    assert all(stamped(review) == PAST for review in reviews)


def digest(review: Review) -> str:
    loaded = Review.objects.select_related("author__standing", "tester_assignment").get(pk=review.pk)
    return cards._digest(loaded, scores=False)


def test_the_migration_keeps_what_the_model_declares():
    assert TRIGGERS.CHANGED_BY == Review.CHANGED_BY
    assert TRIGGERS.PRODUCT_SHOWN == Review.PRODUCT_SHOWN
    columns = {field.column for field in Review._meta.concrete_fields}
    # Every column but the key, changed_at itself and the length the database derives from body.
    assert set(Review.CHANGED_BY) == columns - {"id", "changed_at", "body_length"}
    shown = {column for column in cards.SHOWN_COLUMNS if "__" not in column} - {"changed_at"}
    assert shown <= set(Review.CHANGED_BY)
    read_by_ranking = {"body" if c == "body_length" else c for c in rescore_watch()["reviews_review"]}
    assert read_by_ranking <= set(Review.CHANGED_BY)
    assert set(rescore_watch().get("reviews_product", ())) <= set(Review.PRODUCT_SHOWN)
    # Photos: any change touches their review. Votes move the review's counters (CHANGED_BY).


@pytest.mark.parametrize(
    "change",
    [
        {"title": "A title from a script"},
        {"body": "A body rewritten in the admin's bulk action. " * 3},
        {"status": Review.Status.HIDDEN},
        {"helpful_count": 41},
        {"rating": 1},
    ],
)
def test_a_queryset_update_sets_changed_at_and_the_cards_key(change):
    review = ReviewFactory(rating=4)
    set_back(review)
    before = digest(review)
    started = timezone.now() - timedelta(seconds=1)
    Review.objects.filter(pk=review.pk).update(**change)
    assert stamped(review) > started
    assert digest(review) != before
    assert Review.objects.filter(changed_at__gt=started, pk=review.pk).exists()  # what the rerank reads


def test_raw_sql_sets_changed_at_too():
    review = ReviewFactory()
    set_back(review)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_review SET comment_count = comment_count + 1 WHERE id = %s", [review.pk])
    assert stamped(review) > PAST


def test_an_update_that_changes_nothing_shown_keeps_changed_at():
    review = ReviewFactory(title="Same title")
    set_back(review)
    Review.objects.filter(pk=review.pk).update(title="Same title")
    assert stamped(review) == PAST


def test_a_queryset_edit_shows_on_every_cached_page(cached_pages):
    product, reviews = cached_pages
    target = reviews[1]
    warm(product)
    Review.objects.filter(pk=target.pk).update(title="Retitled by a script")
    assert_everywhere(product, target, "Retitled by a script")


def test_photos_added_moved_and_removed_outside_the_services_touch_their_reviews():
    review, other = ReviewFactory(), ReviewFactory()
    set_back(review, other)
    photo = ReviewPhoto.objects.create(review=review, position=0, image="a.jpg", thumbnail="a_t.jpg")
    assert stamped(review) > PAST and stamped(other) == PAST
    set_back(review)
    ReviewPhoto.objects.filter(pk=photo.pk).update(alt_text="A jar on a shelf")
    assert stamped(review) > PAST
    set_back(review, other)
    ReviewPhoto.objects.filter(pk=photo.pk).update(review=other)
    assert stamped(review) > PAST and stamped(other) > PAST
    set_back(review, other)
    ReviewPhoto.objects.filter(pk=photo.pk).delete()
    assert stamped(other) > PAST and stamped(review) == PAST


def test_tags_added_removed_and_renamed_touch_their_reviews():
    review, untagged = ReviewFactory(), ReviewFactory()
    tag = Tag.objects.create(name="sensitive")
    set_back(review, untagged)
    review.tags.add(tag)
    assert stamped(review) > PAST
    set_back(review)
    Tag.objects.filter(pk=tag.pk).update(name="sensitive-skin")
    assert stamped(review) > PAST and stamped(untagged) == PAST
    set_back(review)
    review.tags.remove(tag)
    assert stamped(review) > PAST


def test_a_products_name_brand_or_category_touches_its_reviews_but_not_its_description():
    product = ProductFactory()
    reviews = ReviewFactory.create_batch(2, product=product)
    elsewhere = ReviewFactory()
    for change in ({"name": "Renamed in bulk"}, {"brand": BrandFactory()}, {"category": ProductFactory().category}):
        set_back(*reviews, elsewhere)
        Product.objects.filter(pk=product.pk).update(**change)
        assert all(stamped(review) > PAST for review in reviews), change
        assert stamped(elsewhere) == PAST
    set_back(*reviews)
    Product.objects.filter(pk=product.pk).update(description="Longer words about it.")
    assert all(stamped(review) == PAST for review in reviews)


def test_a_product_renamed_by_queryset_shows_on_cached_cards(cached_pages):
    product, reviews = cached_pages
    warm(product)
    Product.objects.filter(pk=product.pk).update(name="Barrier Cream Bulk")
    assert "Barrier Cream Bulk" in card_of(Client().get("/").content, reviews[0].pk)
