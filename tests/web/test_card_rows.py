"""Discover and a visitor's product page read their lists as rows (reviews.selectors.CardRows)
and their cards from the card cache: the same cards, order and pages as the model-instance path,
keyset pages that neither repeat nor skip a review, and the product header in one query."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config import paging
from ranking import selectors as ranking
from ranking.models import ReviewScore
from reviews import cards, selectors, services
from reviews.models import Review
from tests.factories import ProductFactory, ReviewFactory, UserFactory, image_upload
from tests.web.conftest import rerank

pytestmark = pytest.mark.django_db


def ids_in(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-item data-id="(\d+)"', html)]


def discover_rows(category_slug=None) -> selectors.CardRows:
    return selectors.CardRows(
        ranking.discover_feed(None, category_slug=category_slug), sort="score__discover", sort_id="score__review_id"
    )


def test_rows_give_the_cards_the_same_keys_as_loaded_reviews():
    """A card stored by one path is found by the other: the rows' digests are the ones
    reviews.cards makes of loaded reviews (authors with and without a standing)."""
    reviews = ReviewFactory.create_batch(3)
    rerank()
    newcomer = ReviewFactory()
    ReviewScore.objects.filter(review=reviews[0]).update(discover=1e6)
    loaded = {
        review.pk: review
        for review in ranking.discover_feed(None).select_related("author__standing", "tester_assignment")
    }
    rows = discover_rows().after(None, 50)
    assert {row.pk for row in rows} == set(loaded) and newcomer.pk not in loaded  # not ranked yet
    for row in rows:
        assert row.digest == cards._digest(loaded[row.pk], scores=False)
    scored = selectors.CardRows(ranking.discover_feed(None), sort="score__discover", scores=True).after(None, 50)
    for row in scored:
        assert row.digest == cards._digest(loaded[row.pk], scores=True)


def test_keyset_pages_walk_the_feed_once_in_order_even_through_ties():
    ReviewFactory.create_batch(13)
    rerank()
    # Five reviews share one score: only the id tells them apart.
    tied = list(ReviewScore.objects.order_by("review_id").values_list("review_id", flat=True)[3:8])
    ReviewScore.objects.filter(review_id__in=tied).update(discover=42.0)
    expected = list(ranking.discover_feed(None).values_list("pk", flat=True))
    rows, seen, position = discover_rows(), [], None
    while True:
        page = rows.after(position, 4)
        seen += [row.pk for row in page]
        if len(page) < 4:
            break
        position = page[-1].position
    assert seen == expected
    assert len(set(seen)) == 13


def test_discover_pages_by_link_match_the_feed(client):
    product = ProductFactory()
    ReviewFactory.create_batch(45, product=product)
    rerank()
    expected = list(ranking.discover_feed(None).values_list("pk", flat=True))
    html = client.get("/").content.decode()
    seen = ids_in(html)
    while 'data-more href="' in html:
        link = re.search(r'data-more href="(\?[^"]+)"', html).group(1).replace("&amp;", "&")
        html = client.get("/" + link, headers={"X-Candor-Fragment": "items"}).content.decode()
        seen += ids_in(html)
    assert seen == expected


def test_a_cursor_of_the_earlier_format_reads_as_below_its_position(client):
    # Bodies of distinct lengths: two reviews of one length written within a moment tie on their
    # (rounded) discover score, and the earlier format cannot tell a tie apart.
    for words in range(5):
        ReviewFactory(body=" ".join(["balm"] * (40 + 9 * words)))
    rerank()
    scores = list(ReviewScore.objects.order_by("-discover", "-review_id"))
    legacy = paging.base64.b64encode(f"p={scores[1].discover}".encode()).decode()  # DRF's format
    assert paging.decode_cursor(legacy) == (scores[1].discover, -1)
    assert ids_in(client.get("/", {"cursor": legacy}).content.decode()) == [s.review_id for s in scores[2:]]


def test_a_review_deleted_between_its_row_and_its_card_is_left_out():
    review = ReviewFactory()
    rerank()
    rows = discover_rows().after(None, 10)
    cards.invalidate()
    Review.objects.filter(pk=review.pk).delete()
    cards.attach_rows(rows, ["card"], selectors.reviews_for_cards)
    assert cards.fragment(rows[0], "card") == ""


@pytest.mark.parametrize(
    "query", ["", "?order=newest", "?order=rating_high", "?order=rating_low&rating=2", "?rating=5"]
)
def test_a_visitors_product_page_lists_what_a_members_lists(client, query):
    product = ProductFactory()
    for rating in (5, 2, 5, 4, 2, 1, 5):
        ReviewFactory(product=product, rating=rating)
    rerank()
    member = Client()
    member.force_login(UserFactory())
    visitor_ids = ids_in(client.get(product.get_absolute_url() + query).content.decode())
    member_ids = ids_in(member.get(product.get_absolute_url() + query).content.decode())
    assert visitor_ids == member_ids and visitor_ids


def test_the_product_header_comes_from_one_query_and_matches_its_parts(client):
    product = ProductFactory()
    for rating in (5, 5, 4, 2):
        ReviewFactory(product=product, rating=rating)
    ReviewFactory(product=product, rating=1, status=Review.Status.HIDDEN)
    rerank()
    with CaptureQueriesContext(connection) as queries:
        loaded = selectors.product_for_page(product.slug)
    assert len(queries) == 1
    assert loaded.distribution == selectors.rating_distribution(product) == {5: 2, 4: 1, 3: 0, 2: 1, 1: 0}
    assert loaded.review_count == 4 and loaded.average_rating == pytest.approx(4.0)
    assert ranking.loaded_product_rank(loaded) == ranking.product_rank(product)
    assert loaded.cover is None  # no photos yet
    assert selectors.product_for_page("no-such-product") is None
    assert client.get("/p/no-such-product/").status_code == 404


def test_the_product_header_brings_the_cover_photo_of_a_product_without_an_image():
    product = ProductFactory()
    plain = ReviewFactory(product=product, helpful_count=1)
    services.review_add_photos(review=plain, user=plain.author, photos=[image_upload(), image_upload()])
    helpful = ReviewFactory(product=product, helpful_count=5)
    services.review_add_photos(review=helpful, user=helpful.author, photos=[image_upload()])
    hidden = ReviewFactory(product=product, helpful_count=9)
    services.review_add_photos(review=hidden, user=hidden.author, photos=[image_upload()])
    Review.objects.filter(pk=hidden.pk).update(status=Review.Status.HIDDEN)
    loaded = selectors.product_for_page(product.slug)
    expected = selectors.product_cover_photo(product)
    assert expected.review_id == helpful.pk
    assert (loaded.cover.pk, loaded.cover.image.name, loaded.cover.width, loaded.cover.height) == (
        expected.pk,
        expected.image.name,
        expected.width,
        expected.height,
    )
    assert loaded.cover.image.url == expected.image.url
