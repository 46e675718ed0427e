"""The category menu and pinned announcements every page shows are kept in the Django cache
(reviews/sitecache.py), shared by every process: a save or delete shows at once, a change no
receiver sees once the entry expires; with the cache down they are read per request. On
PostgreSQL the pages' statements are prepared (config.settings)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import generations
from moderation import services as moderation
from moderation.models import Announcement
from moderation.selectors import PINNED_ANNOUNCEMENTS
from reviews import sitecache
from reviews.models import Category
from reviews.selectors import CATEGORIES
from tests.factories import CategoryFactory, ReviewFactory, UserFactory
from tests.moderation.conftest import make_moderator
from tests.web.conftest import rerank

pytestmark = pytest.mark.django_db


def queries_of(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_category_saved_or_deleted_shows_at_once(client):
    CategoryFactory(name="Skincare", slug="skincare")
    assert "Skincare" in client.get("/").content.decode()
    CategoryFactory(name="Snacks", slug="snacks")
    page = client.get("/").content.decode()
    assert "Snacks" in page and "Skincare" in page
    Category.objects.get(slug="snacks").delete()
    assert "Snacks" not in client.get("/").content.decode()


class Spy:
    """The cache, with its stores noted (key -> timeout), or failing as a down server does."""

    def __init__(self, backend, *, down: bool = False):
        self.backend, self.down, self.stored = backend, down, {}

    def __getattr__(self, name):
        if self.down:
            raise ConnectionError("cache down")
        return getattr(self.backend, name)

    def set(self, key, value, timeout=None):
        self.stored[key] = timeout
        return self.backend.set(key, value, timeout=timeout)


def test_the_chrome_is_read_once_then_from_the_cache_until_it_expires(client, monkeypatch):
    CategoryFactory()
    spy = Spy(generations.cache)
    monkeypatch.setattr(generations, "cache", spy)
    assert any("reviews_category" in sql for sql in queries_of(client, "/"))
    for reader in (client, Client()):  # any reader, any process: the cache is shared
        assert not any("reviews_category" in sql or "announcement" in sql for sql in queries_of(reader, "/"))
    menu, pinned = sitecache.entry_key(CATEGORIES), sitecache.entry_key(PINNED_ANNOUNCEMENTS)
    assert spy.stored == {menu: sitecache.ENTRY_SECONDS, pinned: sitecache.ENTRY_SECONDS}
    Category.objects.update(name="Renamed")  # no signal: seen when the entry expires
    assert "Renamed" not in client.get("/").content.decode()
    cache.delete(menu)  # as ENTRY_SECONDS would
    assert "Renamed" in client.get("/").content.decode()


def test_with_the_cache_down_the_chrome_is_read_per_request(client, monkeypatch):
    CategoryFactory(name="Skincare")
    monkeypatch.setattr(generations, "cache", Spy(generations.cache, down=True))
    for _ in range(2):
        sqls = queries_of(client, "/")
        assert any("reviews_category" in sql for sql in sqls) and any("announcement" in sql for sql in sqls)
    assert "Skincare" in client.get("/").content.decode()


def test_announcements_show_and_end_by_the_clock(client, monkeypatch):
    moderator = make_moderator()
    assert "announcements" not in client.get("/").content.decode()  # read and kept: none
    moderation.announcement_create(moderator=moderator, title="Spring sweep done")
    assert "Spring sweep done" in client.get("/").content.decode()  # saved in this process
    later = moderation.announcement_create(
        moderator=moderator, title="Notice for tomorrow", starts_at=timezone.now() + timedelta(hours=1)
    )
    assert "Notice for tomorrow" not in client.get("/").content.decode()
    # Time passes; the kept copy is judged by the clock, not read again.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2))
    assert "Notice for tomorrow" in client.get("/").content.decode()
    Announcement.objects.filter(pk=later.pk).delete()
    assert "Notice for tomorrow" not in client.get("/").content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: prepared statements")
def test_the_feed_statement_is_prepared_after_two_runs(client):
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    ReviewFactory.create_batch(3)
    rerank()
    for _ in range(3):
        assert client.get("/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%keyset_value%"])
        assert cursor.fetchall(), "the feed's rows statement was not prepared"


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def test_a_visitors_header_is_drawn_once_per_url_and_shows_that_url(client):
    CategoryFactory(slug="skincare")
    first = client.get("/")
    assert "partials/site_header.html" in template_names(first)
    again = client.get("/")
    assert "partials/site_header.html" not in template_names(again)  # kept from the first
    assert again.content == first.content
    page = again.content.decode()
    assert 'href="/login/?next=/"' in page
    assert '<a href="/" aria-current="page">Discover</a>' in page
    # Another URL draws its own: its own way back after logging in, its own current tab.
    other = client.get("/?category=skincare")
    assert "partials/site_header.html" in template_names(other)
    assert 'href="/login/?next=/%3Fcategory%3Dskincare"' in other.content.decode()
    rankings = client.get("/rankings/").content.decode()
    assert '<a href="/rankings/" aria-current="page">Rankings</a>' in rankings
    assert '<a href="/" aria-current="page">' not in rankings
    search = client.get("/search/?q=cream").content.decode()
    assert 'value="cream"' in search


def test_a_member_never_gets_a_visitors_header_nor_a_visitor_a_members(client):
    member = Client()
    member.force_login(UserFactory(username="mei"))
    assert "Log in" in client.get("/").content.decode()
    page = member.get("/").content.decode()
    assert "Log out" in page and 'href="/u/mei/"' in page and "/login/?next=" not in page
    assert "Log out" not in client.get("/").content.decode()
