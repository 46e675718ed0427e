"""Pages cost a fixed number of queries whatever their size."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moderation.selectors import PINNED_ANNOUNCEMENTS
from reviews import cards, services, sitecache
from reviews.models import Review
from reviews.selectors import CATEGORIES
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


# The category menu and the pinned announcements every page shows: read once, then from the
# Django cache until they change or expire (reviews/sitecache.py).
CHROME_QUERIES = 2
# Discover reads its list as rows (reviews.selectors.CardRows): cards to draw first load their
# reviews with authors, then their card data.
DRAWN_CARDS_QUERIES = 1 + CARD_DATA_QUERIES


def test_discover_runs_the_same_queries_for_two_or_twenty_cards(django_assert_num_queries):
    client = Client()
    add_reviews(2)
    rerank()
    # categories and pinned announcements (the first request of the process), ranked rows; the
    # reviews whose cards must be drawn, with their products, tags and photos
    cold_cards()
    with django_assert_num_queries(CHROME_QUERIES + 1 + DRAWN_CARDS_QUERIES):
        client.get("/")
    with django_assert_num_queries(1):
        client.get("/")
    add_reviews(18)
    rerank()
    client.get("/")  # the menu read again: the new reviews' factories added categories
    cold_cards()
    with django_assert_num_queries(1 + DRAWN_CARDS_QUERIES):
        page = client.get("/")
    assert page.content.decode().count('class="card"') == 20
    with django_assert_num_queries(1):
        warm = client.get("/")
    assert without_csrf(warm.content) == without_csrf(page.content)  # the same cards, cached
    sitecache.forget(CATEGORIES)  # the chrome read again, as after a change
    sitecache.forget(PINNED_ANNOUNCEMENTS)
    with django_assert_num_queries(CHROME_QUERIES + 1):
        client.get("/")


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
    client.get("/")  # the menu read again: the new reviews' factories added categories
    cold_cards()
    with django_assert_num_queries(few + DRAWN_CARDS_QUERIES):
        page = client.get("/")
    assert page.content.decode().count('class="card"') == 20
    with django_assert_num_queries(few):
        client.get("/")


def test_product_page_runs_the_same_queries_for_any_number_of_reviews(django_assert_num_queries):
    product = ProductFactory(image="")
    client = Client()
    add_reviews(1, product)
    rerank()
    client.get(product.get_absolute_url())  # the menu and announcements, read once per process
    # the product with its ranking, histogram and cover photo (it has no image of its own), its
    # most helpful reviews (rows); the reviews whose rows must be drawn, with their card data
    cold_cards()
    with django_assert_num_queries(2 + DRAWN_CARDS_QUERIES):
        client.get(product.get_absolute_url())
    with django_assert_num_queries(2):
        client.get(product.get_absolute_url())
    add_reviews(12, product)
    rerank()
    client.get(product.get_absolute_url())
    cold_cards()
    with django_assert_num_queries(2 + DRAWN_CARDS_QUERIES):
        page = client.get(product.get_absolute_url())
    assert page.content.decode().count('class="review-row"') == 13
    with django_assert_num_queries(2):
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
    # standings, role (groups, brand), saved reviews, their products, tags, photos, the community
    # level cut-offs of the last full run (ranking.levels, for the level progress), unread
    # notifications, the header's moderator check
    few = count_queries(client, url)
    assert few <= 15
    for review in reviews[1:]:
        SaveFactory(user=member, review=review)
    with django_assert_num_queries(few):
        page = client.get(url)
    assert page.content.decode().count('class="card"') == 12
