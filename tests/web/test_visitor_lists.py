"""Visitors' lists are built once per process and cloned (reviews.selectors.for_viewer): each
request still reads current rows, and a signed-in reader's own votes never reach a visitor (nor
the other way round)."""

import pytest
from django.test import Client

from reviews import selectors, services
from tests.factories import ReviewFactory, UserFactory
from tests.web.conftest import rerank

pytestmark = pytest.mark.django_db


def pressed_helpful(content: bytes) -> bool:
    return b'aria-pressed="true" data-vote="helpful"' in content


def test_a_visitor_list_is_a_fresh_clone_each_time():
    built = []

    def build(viewer):
        built.append(viewer)
        return selectors.reviews_for_listing(viewer).order_by("-id")

    first = selectors.for_viewer(None, ("test-visitor-list",), build)
    assert list(first) == []
    review = ReviewFactory()
    second = selectors.for_viewer(None, ("test-visitor-list",), build)
    assert second is not first
    assert list(second) == [review]  # not the first clone's (empty) results
    assert built == [None]  # built once


def test_signed_in_lists_are_built_for_their_reader():
    reader = UserFactory()
    built = []
    selectors.for_viewer(reader, ("test-reader-list",), built.append)
    selectors.for_viewer(reader, ("test-reader-list",), built.append)
    assert built == [reader, reader]


@pytest.mark.parametrize("url", ["/", "product", "/api/v1/discover/"])
def test_votes_stay_with_their_reader_on_reused_lists(url, product, author):
    review = ReviewFactory(product=product, author=author)
    rerank()
    url = product.get_absolute_url() if url == "product" else url
    visitor = Client()
    assert visitor.get(url).status_code == 200  # the visitors' list is built now
    voter = UserFactory()
    services.vote_cast(user=voter, review=review, helpful=True)
    reader = Client()
    reader.force_login(voter)
    mine = reader.get(url)
    again = visitor.get(url)
    if url.startswith("/api/"):
        assert mine.json()["results"][0]["viewer_vote"] is True
        assert again.json()["results"][0]["viewer_vote"] is None
    elif url == "/":
        assert f"/r/{review.pk}/".encode() in again.content
    else:
        assert pressed_helpful(mine.content)
        assert not pressed_helpful(again.content)


def test_a_new_review_reaches_visitors_through_a_reused_list(product, author):
    ReviewFactory(product=product, author=author, title="First take")
    rerank()
    visitor = Client()
    page = visitor.get(product.get_absolute_url()).content
    assert b"First take" in page
    assert b"1 review</span>" in page
    ReviewFactory(product=product, title="Second take")
    rerank()
    page = visitor.get(product.get_absolute_url()).content
    assert b"Second take" in page
    assert b"2 reviews</span>" in page  # the product's stats, from a reused query too
    assert b"Second take" in visitor.get("/").content
    assert "Second take" in str(visitor.get("/api/v1/discover/").json())
