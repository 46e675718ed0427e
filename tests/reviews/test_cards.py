"""The card cache (reviews/cards.py): cached cards look exactly like freshly drawn ones, change at
once with what they show (edits, votes, comments, photos, moderation, reranks, renames), never
carry one reader's vote or save to another, and pages still answer with the cache down."""

import re

import pytest
from django.test import Client

from config import pagecache
from moderation import services as moderation
from ranking import services as ranking_services
from ranking.models import ReviewerStanding
from reviews import cards, services
from tests.conftest import client_for
from tests.factories import ProductFactory, ReviewFactory, UserFactory, image_upload
from tests.hardening.conftest import private_redis, redis_caches  # noqa: F401 - a fixture
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db


def rerank() -> None:
    result = ranking_services.rerank(full=True)
    assert not result.skipped, result.reason


@pytest.fixture
def ranked():
    """A product with three scored reviews (one with a photo); returns (product, reviews)."""
    product = ProductFactory(slug="barrier-cream")
    reviews = [
        ReviewFactory(product=product, title=f"Review number {n} of the cream", body="Thick, calming. " * 10)
        for n in range(3)
    ]
    services.review_add_photos(review=reviews[0], user=reviews[0].author, photos=[image_upload()])
    ReviewFactory()  # another product
    rerank()
    return product, reviews


def without_csrf(content: bytes) -> bytes:
    return re.sub(rb'"X-CSRFToken": "[^"]+"|name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def card_of(content: bytes, review_id: int) -> str:
    """The HTML of one review's card (discover) or row (product page)."""
    html = content.decode()
    match = re.search(rf'<article class="(card|review-row)" data-item data-id="{review_id}">.*?</article>', html, re.S)
    assert match, f"no card for review {review_id}"
    return match.group(0)


def pages(product) -> list[str]:
    return ["/", f"/?category={product.category.slug}", f"/p/{product.slug}/", f"/p/{product.slug}/?order=newest"]


API = ["/api/v1/discover/", "/api/v1/feed/", "/api/v1/reviews/"]


def test_cached_cards_are_the_cards_drawn_without_the_cache(ranked, settings):
    product, _ = ranked
    member = UserFactory()
    readers = [Client(), Client()]
    readers[1].force_login(member)
    settings.CARD_CACHE_SECONDS = 0
    plain = {
        (i, url): without_csrf(reader.get(url).content) for i, reader in enumerate(readers) for url in pages(product)
    }
    plain_api = {url: client_for(member).get(url).json() for url in API}
    settings.CARD_CACHE_SECONDS = 3600
    for _ in ("cold", "warm"):
        for (i, url), content in plain.items():
            assert without_csrf(readers[i].get(url).content) == content, url
        for url, data in plain_api.items():
            assert client_for(member).get(url).json() == data, url


def test_cards_come_from_the_cache_the_second_time(ranked, django_assert_num_queries):
    product, reviews = ranked
    Client().get(f"/p/{product.slug}/")
    # Stored: the product with its ranking, histogram and cover photo, then the rows. Drawing a
    # row again would load its review, then the products, tags and photos (four queries more).
    with django_assert_num_queries(2):
        Client().get(f"/p/{product.slug}/")
    key = cards._key(
        next(r for r in cards_loaded(product) if r.pk == reviews[0].pk), "row_top", cards_date_extra(), False
    )
    assert key is not None and cards.cache.get(key) is not None


def test_cards_read_before_come_from_the_process_and_only_the_generation_from_redis(ranked, settings, monkeypatch):
    product, _ = ranked
    asked = []

    class Spy:
        def __init__(self, backend):
            self.backend = backend

        def __getattr__(self, name):
            return getattr(self.backend, name)

        def get_many(self, keys):
            asked.append(list(keys))
            return self.backend.get_many(keys)

    monkeypatch.setattr(cards, "cache", Spy(cards.cache))
    for url in ("/", f"/p/{product.slug}/", "/api/v1/discover/"):
        first = Client().get(url).content
        asked.clear()
        assert Client().get(url).content == first
        generation_only = asked == [[cards._generation_key()]]
        # The API's dicts are per reader copies: never kept in the process.
        assert generation_only == (not url.startswith("/api/")), (url, asked)
    assert cards._LOCAL and all(isinstance(payload, str) for _generation, payload in cards._LOCAL.values())
    # Off: every card key makes the round trip.
    settings.CARD_LOCAL_ENTRIES = 0
    cards.forget_local()
    Client().get("/")
    asked.clear()
    Client().get("/")
    assert len(asked) == 1 and len(asked[0]) > 1 and not cards._LOCAL


def test_the_process_keeps_at_most_card_local_entries(ranked, settings):
    settings.CARD_LOCAL_ENTRIES = 2
    cards.forget_local()
    product, _ = ranked
    Client().get(f"/p/{product.slug}/")  # three rows, two fragments each
    assert len(cards._LOCAL) == 2


def cards_loaded(product):
    from ranking.selectors import most_helpful_reviews
    from reviews.selectors import without_card_data

    return list(without_card_data(most_helpful_reviews(product), scores=True))


def cards_date_extra() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def assert_everywhere(product, review, present: str, absent: str | None = None) -> None:
    for url in pages(product):
        card = card_of(Client().get(url).content, review.pk)
        assert present in card, (url, present)
        if absent is not None:
            assert absent not in card, (url, absent)


def warm(product) -> None:
    for url in [*pages(product), *API]:
        Client().get(url)
        Client().get(url)


def test_an_edit_shows_at_once(ranked):
    product, reviews = ranked
    warm(product)
    services.review_update(review=reviews[1], editor=reviews[1].author, title="Changed my mind after a month")
    assert_everywhere(product, reviews[1], "Changed my mind after a month", "Review number 1 of the cream")
    for url in API:
        titles = {r["id"]: r["title"] for r in Client().get(url).json()["results"]}
        assert titles[reviews[1].pk] == "Changed my mind after a month", url


def test_a_vote_count_change_shows_at_once(ranked):
    product, reviews = ranked
    target = reviews[2]
    warm(product)
    for _ in range(3):
        services.vote_cast(user=UserFactory(), review=target, helpful=True)
    for url in pages(product):
        card = card_of(Client().get(url).content, target.pk)
        shown = 'data-count="helpful">3<' if url.startswith("/p/") else "<span>3</span>"
        assert shown in card, url
    for url in API:
        counts = {r["id"]: r["helpful_count"] for r in Client().get(url).json()["results"]}
        assert counts[target.pk] == 3, url


def test_a_comment_shows_in_the_row_count_at_once(ranked):
    product, reviews = ranked
    target = reviews[1]
    warm(product)
    services.comment_create(author=UserFactory(), review=target, body="Did it sting at all?")
    row = card_of(Client().get(f"/p/{product.slug}/").content, target.pk)
    assert '<span>1</span><span class="sr-only"> comments</span>' in row


def test_a_photo_added_or_removed_shows_at_once(ranked):
    product, reviews = ranked
    target = reviews[2]
    warm(product)
    assert "<img" not in card_of(Client().get("/").content, target.pk)
    services.review_add_photos(review=target, user=target.author, photos=[image_upload()])
    assert "<img" in card_of(Client().get("/").content, target.pk)
    assert "<img" in card_of(Client().get(f"/p/{product.slug}/").content, target.pk)
    assert Client().get("/api/v1/discover/").json()["results"] and any(
        r["id"] == target.pk and len(r["photos"]) == 1 for r in Client().get("/api/v1/discover/").json()["results"]
    )
    services.review_delete_photo(photo=target.photos.get(), user=target.author)
    assert "<img" not in card_of(Client().get("/").content, target.pk)
    assert "<img" not in card_of(Client().get(f"/p/{product.slug}/").content, target.pk)


def test_a_review_hidden_and_restored_by_a_moderator(ranked):
    product, reviews = ranked
    target = reviews[0]
    warm(product)
    moderator = make_moderator()
    moderation.review_moderate(review=target, moderator=moderator, action="hide", reason="Spam link")
    for url in pages(product):
        assert target.title.encode() not in Client().get(url).content, url
    target.refresh_from_db()
    services.review_update(review=target, editor=target.author, title="Rewritten without the link")
    moderation.review_moderate(review=target, moderator=moderator, action="restore", reason="Fixed")
    rerank()
    assert_everywhere(product, target, "Rewritten without the link")


def test_a_rerank_shows_the_new_level_and_scores(ranked):
    product, reviews = ranked
    target = reviews[0]
    warm(product)
    before = {r["id"]: r["quality"] for r in Client().get("/api/v1/discover/").json()["results"]}
    assert ReviewerStanding.objects.filter(user=target.author).update(level=7) == 1  # as a rerank writes it
    assert_everywhere(product, target, "Lv7")
    for _ in range(4):
        services.vote_cast(user=UserFactory(), review=reviews[1], helpful=True)
    rerank()
    after = {r["id"]: r["quality"] for r in Client().get("/api/v1/discover/").json()["results"]}
    assert after[reviews[1].pk] > before[reviews[1].pk]


def test_a_new_display_name_and_a_renamed_product_show_at_once(ranked):
    product, reviews = ranked
    target = reviews[1]
    warm(product)
    target.author.display_name = "Renamed Reviewer"
    target.author.save(update_fields=["display_name"])
    assert_everywhere(product, target, "Renamed Reviewer")
    # The admin saves the product itself (no review's changed_at moves): a new card generation.
    product.name = "Barrier Cream Plus"
    product.save()
    assert "Barrier Cream Plus" in card_of(Client().get("/").content, target.pk)


def test_a_product_renamed_by_its_brand_shows_at_once(ranked):
    from brands import services as brand_services
    from tests.factories import BrandMembershipFactory

    product, reviews = ranked
    warm(product)
    member = BrandMembershipFactory(brand=product.brand).user
    brand_services.brand_product_update(member=member, product=product, name="Barrier Cream Renamed")
    assert "Barrier Cream Renamed" in card_of(Client().get("/").content, reviews[0].pk)
    named = {r["id"]: r["product"]["name"] for r in Client().get("/api/v1/discover/").json()["results"]}
    assert named[reviews[0].pk] == "Barrier Cream Renamed"


def test_an_admin_save_of_the_review_shows_at_once(ranked):
    product, reviews = ranked
    target = reviews[2]
    warm(product)
    target.refresh_from_db()
    target.title = "Edited in the admin"
    target.save()
    assert_everywhere(product, target, "Edited in the admin")


def test_a_readers_vote_and_save_never_reach_another_reader(ranked):
    product, reviews = ranked
    target = reviews[1]
    mei, ken = UserFactory(username="mei_reader"), UserFactory(username="ken_reader")
    services.vote_cast(user=mei, review=target, helpful=True)
    services.save_add(user=mei, review=target)
    for _ in range(2):  # the second time from the cache
        for url in API:
            mine = {r["id"]: r for r in client_for(mei).get(url).json()["results"]}[target.pk]
            assert (mine["viewer_vote"], mine["viewer_saved"]) == (True, True), url
            theirs = {r["id"]: r for r in client_for(ken).get(url).json()["results"]}[target.pk]
            assert (theirs["viewer_vote"], theirs["viewer_saved"]) == (None, False), url
            anonymous = {r["id"]: r for r in Client().get(url).json()["results"]}[target.pk]
            assert (anonymous["viewer_vote"], anonymous["viewer_saved"]) == (None, False), url
        browsers = {}
        for user in (mei, ken):
            browsers[user.username] = Client()
            browsers[user.username].force_login(user)
        mine = card_of(browsers["mei_reader"].get(f"/p/{product.slug}/").content, target.pk)
        assert 'aria-pressed="true" data-vote="helpful"' in mine and "is-on is-on-gold" in mine
        theirs = card_of(browsers["ken_reader"].get(f"/p/{product.slug}/").content, target.pk)
        assert 'aria-pressed="true"' not in theirs and "is-on" not in theirs
        assert 'action="/r/' in theirs  # ken's own forms
        anonymous = card_of(Client().get(f"/p/{product.slug}/").content, target.pk)
        assert "<form" not in anonymous and "?next=" in anonymous
        assert "mei_reader" not in anonymous and "ken_reader" not in mine


def test_no_stored_fragment_holds_a_token_or_a_readers_state(ranked):
    product, reviews = ranked
    member = UserFactory()
    services.vote_cast(user=member, review=reviews[0], helpful=False)
    browser = Client()
    browser.force_login(member)
    for url in pages(product):
        browser.get(url)
    for url in API:
        client_for(member).get(url)
    loaded = cards_loaded(product)
    for kind in ("row_top",):
        for review in loaded:
            entry = cards.cache.get(cards._key(review, kind, cards_date_extra(), False))
            assert entry is not None
            assert "csrf" not in entry[1] and "<form" not in entry[1] and "is-on" not in entry[1]


def test_a_page_size_change_in_the_template_format_reads_no_old_entry(ranked, monkeypatch):
    product, reviews = ranked
    Client().get("/")
    old_key = cards._key(cards_loaded(product)[0], "card", "", False)
    monkeypatch.setattr(cards, "CARD_FORMAT", cards.CARD_FORMAT + 1)
    assert cards._key(cards_loaded(product)[0], "card", "", False) != old_key


@pytest.fixture
def redis_cache(private_redis, settings):  # noqa: F811
    settings.CACHES = redis_caches(private_redis.url)
    return private_redis


def test_with_redis_stopped_cards_are_drawn(ranked, redis_cache, settings):
    product, reviews = ranked
    settings.PAGE_CACHE_SECONDS = 0
    expected = {url: without_csrf(Client().get(url).content) for url in pages(product)}
    redis_cache.stop()
    for url in pages(product):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert without_csrf(response.content) == expected[url], url
    assert Client().get("/api/v1/discover/").status_code == 200
    assert pagecache.enabled() is False
