"""The category menu and pinned announcements every page shows are kept per process for
LOCAL_CACHE_SECONDS (config/localcache.py): changes made in the process show at once, others once
the copy expires; and on PostgreSQL the pages' statements are prepared (config.settings)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import localcache
from moderation import services as moderation
from moderation.models import Announcement
from reviews.models import Category
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


def test_the_menu_is_read_once_per_expiry(client, settings, monkeypatch):
    CategoryFactory()
    settings.LOCAL_CACHE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(localcache.time, "monotonic", lambda: clock[0])
    assert any("reviews_category" in sql for sql in queries_of(client, "/"))
    assert not any("reviews_category" in sql for sql in queries_of(client, "/"))
    Category.objects.update(name="Renamed")  # no signal: seen when the copy expires
    assert "Renamed" not in client.get("/").content.decode()
    clock[0] += 10
    assert "Renamed" in client.get("/").content.decode()
    settings.LOCAL_CACHE_SECONDS = 0  # off: read on every request
    assert any("reviews_category" in sql for sql in queries_of(client, "/"))
    assert any("reviews_category" in sql for sql in queries_of(client, "/"))


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
