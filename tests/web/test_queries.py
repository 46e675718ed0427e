"""Pages cost a fixed number of queries whatever their size."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import cards, services
from reviews.models import Review
from tests.factories import ProductFactory, ReviewFactory, SaveFactory, UserFactory, image_upload
from tests.web.conftest import rerank

pytestmark = pytest.mark.django_db


def add_reviews(n: int, product=None) -> None:
    for _ in range(n):
        review = ReviewFactory(**({"product": product} if product else {}))
        services.review_add_photos(review=review, user=review.author, photos=[image_upload()])


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def without_csrf(content: bytes) -> bytes:
    return re.sub(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def cold_cards() -> None:
    """Forget every cached card (reviews/cards.py): the next page draws them all."""
    cards.invalidate()


# The card cache changes how many queries a page runs, never with its size: cards that must be
# drawn load their products, tags and photos (three queries for any number); cached ones need
# none of them.
CARD_DATA_QUERIES = 3


def test_discover_runs_the_same_queries_for_two_or_twenty_cards(django_assert_num_queries):
    client = Client()
    add_reviews(2)
    rerank()
    # pinned announcements, categories, ranked reviews (with scores and authors' standings);
    # products (with brands and categories), tags and photos for the cards to draw
    cold_cards()
    with django_assert_num_queries(3 + CARD_DATA_QUERIES):
        client.get("/")
    with django_assert_num_queries(3):
        client.get("/")
    add_reviews(18)
    rerank()
    cold_cards()
    with django_assert_num_queries(3 + CARD_DATA_QUERIES):
        page = client.get("/")
    assert page.content.decode().count('class="card"') == 20
    with django_assert_num_queries(3):
        warm = client.get("/")
    assert without_csrf(warm.content) == without_csrf(page.content)  # the same cards, cached


def test_discover_signed_in_runs_the_same_queries_for_two_or_twenty_cards(django_assert_num_queries):
    client = Client()
    client.force_login(UserFactory())
    add_reviews(2)
    rerank()
    client.get("/")  # warm the session cache where sessions are cached
    # the anonymous queries plus the session, the user (fewer where the session is cached), the
    # moderator check for the header's Moderation link and the unread-notifications count
    few = count_queries(client, "/")
    assert few <= 7
    add_reviews(18)
    rerank()
    cold_cards()
    with django_assert_num_queries(few + CARD_DATA_QUERIES):
        page = client.get("/")
    assert page.content.decode().count('class="card"') == 20
    with django_assert_num_queries(few):
        client.get("/")


def test_product_page_runs_the_same_queries_for_any_number_of_reviews(django_assert_num_queries):
    product = ProductFactory()
    client = Client()
    add_reviews(1, product)
    rerank()
    # product with stats, most helpful reviews, rating histogram, category rank, cover photo;
    # products, tags and photos for the rows to draw
    cold_cards()
    with django_assert_num_queries(5 + CARD_DATA_QUERIES):
        client.get(product.get_absolute_url())
    with django_assert_num_queries(5):
        client.get(product.get_absolute_url())
    add_reviews(12, product)
    rerank()
    cold_cards()
    with django_assert_num_queries(5 + CARD_DATA_QUERIES):
        page = client.get(product.get_absolute_url())
    assert page.content.decode().count('class="review-row"') == 13
    with django_assert_num_queries(5):
        warm = client.get(product.get_absolute_url())
    assert without_csrf(warm.content) == without_csrf(page.content)  # the same cards, cached


def test_profile_saved_tab_runs_the_same_queries_for_any_number_of_saves(django_assert_num_queries):
    member = UserFactory()
    client = Client()
    client.force_login(member)
    add_reviews(12)
    reviews = list(Review.objects.all())
    SaveFactory(user=member, review=reviews[0])
    url = f"/u/{member.username}/?tab=saved"
    client.get(url)
    # session and user (unless cached), member with counts, interests, standing and category
    # standings, role (groups, brand), saved reviews, their products, tags, photos, unread
    # notifications, the header's moderator check
    few = count_queries(client, url)
    assert few <= 14
    for review in reviews[1:]:
        SaveFactory(user=member, review=review)
    with django_assert_num_queries(few):
        page = client.get(url)
    assert page.content.decode().count('class="card"') == 12
