"""The first pages of the ranked lists are cached for anonymous visitors (config/pagecache.py):
a hit runs no query; a rerank, a moderation action, an edit or a deletion shows at once; nothing
per-user is ever cached; with the cache down the pages still answer, uncached."""

import re
import time

import pytest
from django.db import connection
from django.middleware.csrf import _does_token_match, _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config import pagecache
from moderation import services as moderation
from ranking import services as ranking_services
from reviews import services
from reviews.models import HelpfulVote, Review
from tests.conftest import client_for
from tests.factories import ProductFactory, ReviewFactory, UserFactory
from tests.hardening.conftest import private_redis, redis_caches  # noqa: F401 - a fixture
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's on-commit callbacks as a real commit would (the test keeps its transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def ranked(committed):
    """Two products with three scored reviews; returns (product, reviews)."""
    product = ProductFactory(slug="barrier-cream")
    reviews = [
        ReviewFactory(product=product, title=f"Review number {n} of the cream", body="Thick, calming. " * 10)
        for n in range(3)
    ]
    ReviewFactory()  # another product
    with committed():
        rerank()
    return product, reviews


def rerank(full: bool = True) -> None:
    result = ranking_services.rerank(full=full)
    assert not result.skipped, result.reason


def fetch(client, url: str):
    """(response, number of SQL queries it ran)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries.captured_queries)


def cache_status(response) -> str | None:
    return response.headers.get(pagecache.STATUS_HEADER)


@pytest.fixture
def urls(ranked):
    product, _ = ranked
    slug = product.category.slug
    return [
        "/",
        f"/?category={slug}",
        f"/p/{product.slug}/",
        f"/p/{product.slug}/?order=newest&rating=4",
        "/rankings/",
        f"/rankings/{slug}/",
        "/api/v1/discover/",
        f"/api/v1/discover/?category={slug}&page_size=2",
        f"/api/v1/products/{product.slug}/reviews/most-helpful/",
        f"/api/v1/categories/{slug}/ranking/",
    ]


def test_second_anonymous_request_is_a_hit_and_runs_no_query(urls):
    for url in urls:
        first, first_queries = fetch(Client(), url)
        second, second_queries = fetch(Client(), url)
        assert cache_status(first) == "miss", url
        assert first_queries > 0
        assert cache_status(second) == "hit", url
        assert second_queries == 0, url
        assert second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"]


def test_a_hit_has_the_same_body_and_no_token_or_cookie_for_visitors(ranked):
    product, reviews = ranked
    first = Client().get(f"/p/{product.slug}/")
    second = Client().get(f"/p/{product.slug}/")
    assert cache_status(second) == "hit"
    # Visitors' pages hold no form that posts: no CSRF token (and no cookie) is made for them.
    assert first.content == second.content
    assert b"X-CSRFToken" not in second.content and "csrftoken" not in second.cookies
    assert reviews[0].title.encode() in second.content
    api_first = Client().get("/api/v1/discover/")
    api_second = Client().get("/api/v1/discover/")
    assert api_first.json() == api_second.json()
    assert {r["id"] for r in api_second.json()["results"]} >= {r.pk for r in reviews}


def test_a_signed_in_reader_gets_the_csrf_header_for_htmx(ranked):
    member = Client()
    member.force_login(UserFactory())
    page = member.get("/").content.decode()
    assert '"X-CSRFToken": "' in page


def test_deeper_pages_and_unknown_parameters_are_never_cached(ranked):
    product, _ = ranked
    page = Client().get("/api/v1/discover/?page_size=1").json()
    assert page["next"]
    deeper = page["next"].split("testserver", 1)[1]
    for url in (
        deeper,
        deeper,
        "/?tab=following",
        f"/p/{product.slug}/?page=2",
        "/?utm_source=mail",
        "/api/v1/discover/?format=api",
    ):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert cache_status(response) is None, url


def test_the_browsable_api_is_not_cached():
    first = Client().get("/api/v1/discover/", headers={"Accept": "text/html"})
    assert first.status_code == 200 and first["Content-Type"].startswith("text/html")
    assert cache_status(first) is None
    assert Client().get("/api/v1/discover/").headers["Content-Type"] == "application/json"


def test_rerank_committed_starts_a_new_generation(ranked, committed):
    product, reviews = ranked
    client = Client()
    before = client.get("/api/v1/discover/").json()["results"]
    last = before[-1]["id"]
    # Votes alone do not change the cached page (counts may lag until the rerank)...
    for _ in range(5):
        services.vote_cast(user=UserFactory(), review=Review.objects.get(pk=last), helpful=True)
    stale = client.get("/api/v1/discover/")
    assert cache_status(stale) == "hit"
    assert stale.json()["results"] == before
    # ...the rerank that scores them does, once it commits.
    with committed():
        rerank(full=False)
    fresh = client.get("/api/v1/discover/")
    assert cache_status(fresh) == "miss"
    counts = {r["id"]: r["helpful_count"] for r in fresh.json()["results"]}
    assert counts[last] == 5
    assert fresh.json()["results"][0]["id"] == last  # five helpful votes put it first


def test_a_review_hidden_by_a_moderator_disappears_at_once(ranked, committed):
    product, reviews = ranked
    target = reviews[0]
    urls = ["/", f"/p/{product.slug}/", "/api/v1/discover/", f"/api/v1/products/{product.slug}/reviews/most-helpful/"]
    for url in urls:
        Client().get(url)
        assert target.title.encode() in Client().get(url).content, url
    with committed():
        moderation.review_moderate(review=target, moderator=make_moderator(), action="hide", reason="Spam link")
    for url in urls:
        response = Client().get(url)
        assert cache_status(response) == "miss", url
        assert target.title.encode() not in response.content, url


def test_an_edited_review_shows_its_new_text_at_once(ranked, committed):
    product, reviews = ranked
    target, old_title = reviews[1], reviews[1].title
    Client().get(f"/p/{product.slug}/")
    with committed():
        services.review_update(review=target, editor=target.author, title="Changed my mind after a month")
    response = Client().get(f"/p/{product.slug}/")
    assert b"Changed my mind after a month" in response.content
    assert old_title.encode() not in response.content


def test_a_deleted_review_disappears_at_once(ranked, committed):
    product, reviews = ranked
    target = reviews[2]
    assert target.title.encode() in Client().get("/").content
    with committed():
        services.review_delete(review=target, user=target.author)
    for url in ("/", f"/p/{product.slug}/"):
        assert target.title.encode() not in Client().get(url).content, url


def test_a_ban_and_an_announcement_start_a_new_generation(ranked, committed):
    _, reviews = ranked
    moderator = make_moderator()
    Client().get("/")
    assert cache_status(Client().get("/")) == "hit"
    with committed():
        moderation.user_ban(user=reviews[0].author, moderator=moderator, reason="Fake accounts")
    assert cache_status(Client().get("/")) == "miss"
    with committed():
        moderation.announcement_create(moderator=moderator, title="Scheduled maintenance tonight")
    assert b"Scheduled maintenance tonight" in Client().get("/").content


def test_a_login_only_changes_nothing_but_a_new_display_name_shows(ranked, committed):
    _, reviews = ranked
    author = reviews[0].author
    Client().get("/")
    with committed():
        Client().force_login(author)  # saves last_login only
    assert cache_status(Client().get("/")) == "hit"
    with committed():
        author.display_name = "Renamed Reviewer"
        author.save(update_fields=["display_name"])
    assert b"Renamed Reviewer" in Client().get("/").content


def test_signed_in_pages_are_never_served_from_or_stored_in_the_cache(ranked):
    product, reviews = ranked
    member = UserFactory(username="mei_signed_in", display_name="Mei Signed In")
    HelpfulVote.objects.create(user=member, review=reviews[0], helpful=True)
    browser = Client()
    browser.force_login(member)
    url = f"/p/{product.slug}/"
    assert cache_status(Client().get(url)) == "miss"  # an anonymous copy is in the cache now
    mine = browser.get(url)
    assert cache_status(mine) is None
    assert b"Log out" in mine.content and b'aria-pressed="true"' in mine.content
    anonymous = Client().get(url)
    assert cache_status(anonymous) == "hit"
    assert b"Log out" not in anonymous.content and b"mei_signed_in" not in anonymous.content
    assert b'aria-pressed="true"' not in anonymous.content
    # The member's own copy was not stored for the next visitor either.
    again = browser.get(url)
    assert cache_status(again) is None and b"Log out" in again.content
    api_mine = client_for(member).get(f"/api/v1/products/{product.slug}/reviews/most-helpful/")
    assert cache_status(api_mine) is None
    assert {r["viewer_vote"] for r in api_mine.json()["results"]} == {True, None}
    api_anonymous = Client().get(f"/api/v1/products/{product.slug}/reviews/most-helpful/")
    assert Client().get(f"/api/v1/products/{product.slug}/reviews/most-helpful/").json() == api_anonymous.json()
    assert {r["viewer_vote"] for r in api_anonymous.json()["results"]} == {None}


def test_a_cached_page_with_a_form_gives_each_visitor_a_csrf_token_of_their_own(ranked):
    from django.http import HttpResponse
    from django.template import engines
    from django.test import RequestFactory

    # No cached page shows visitors a form today; one that does gets a placeholder in the cache
    # and each visitor's own token on the way out.
    template = engines["django"].from_string('<form><input name="csrfmiddlewaretoken" value="{{ csrf_token }}"></form>')

    @pagecache.cache_first_page()
    def page_with_a_form(request):
        return HttpResponse(template.render({}, request))

    tokens = []
    for _ in range(2):
        request = RequestFactory().get("/a-page-with-a-form/")
        response = page_with_a_form(request)
        token = re.search(rb'value="([^"]+)"', response.content).group(1).decode()
        secret = response.cookies["csrftoken"].value if "csrftoken" in response.cookies else request.META["CSRF_COOKIE"]
        assert _does_token_match(token, secret)
        tokens.append(_unmask_cipher_token(token))
    assert cache_status(response) == "hit"
    assert tokens[0] != tokens[1]
    assert pagecache.CSRF_PLACEHOLDER.encode() not in response.content


def test_a_visitor_with_a_session_or_messages_cookie_is_served_uncached(ranked):
    Client().get("/")
    for cookie in ("sessionid", "messages"):
        visitor = Client()
        visitor.cookies[cookie] = "anything"
        assert cache_status(visitor.get("/")) is None, cookie
    token = Client().get("/api/v1/discover/", headers={"Authorization": "Token nope"})
    assert token.status_code == 401 and cache_status(token) is None


def test_turned_off_with_zero_seconds(ranked, settings):
    settings.PAGE_CACHE_SECONDS = 0
    Client().get("/")
    _, queries = fetch(Client(), "/")
    assert queries > 0 and cache_status(Client().get("/")) is None


@pytest.fixture
def redis_cache(private_redis, settings):  # noqa: F811
    settings.CACHES = redis_caches(private_redis.url, "django.core.cache.backends.redis.RedisCache")
    return private_redis


def test_with_redis_stopped_pages_answer_uncached(ranked, redis_cache):
    product, reviews = ranked
    urls = ["/", f"/p/{product.slug}/", "/rankings/", "/api/v1/discover/"]
    for url in urls:
        Client().get(url)
        assert cache_status(Client().get(url)) == "hit", url
    redis_cache.stop()
    for url in urls:
        started = time.monotonic()
        response, queries = fetch(Client(), url)
        assert time.monotonic() - started < 2, url
        assert cache_status(response) is None, url
        assert queries > 0
    assert reviews[0].title.encode() in Client().get("/").content
