"""Curation: features in Discover, pinned announcements, category editor's picks."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Notification
from moderation import selectors, services
from moderation.models import Announcement, AuditEntry, EditorsPick
from moderation.selectors import PINNED_ANNOUNCEMENTS
from ranking.models import ReviewScore
from reviews import sitecache
from reviews.models import Review
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- features -----------------------------------------------------------------------------------


def feature_url(pk) -> str:
    return f"/api/v1/moderation/reviews/{pk}/feature/"


def test_featuring_sets_the_ranking_boost_expiry_and_tells_the_author(mod_api, author, review):
    response = mod_api.put(feature_url(review.pk), {"days": 7, "reason": "Great photos"}, format="json")
    assert response.status_code == 200, response.content
    score = ReviewScore.objects.get(pk=review.pk)
    assert timezone.now() + timedelta(days=6) < score.featured_until <= timezone.now() + timedelta(days=7)
    # ranking picks the change up by featured_changed_at at its next incremental run.
    assert score.featured_changed_at is not None and score.is_featured()
    assert Notification.objects.filter(recipient=author, title__contains="featured").count() == 1
    entry = AuditEntry.objects.get(action="review_feature")
    assert entry.before == {"featured_until": None} and entry.after["featured_until"]
    # Ending it.
    response = mod_api.delete(feature_url(review.pk), {"reason": "Season over"}, format="json")
    assert response.status_code == 204 and not response.content  # as the schema says
    assert ReviewScore.objects.get(pk=review.pk).featured_until is None
    assert AuditEntry.objects.get(action="review_unfeature").reason == "Season over"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "days"),
        ({"days": 0}, "days"),
        ({"days": 31}, "days"),
        ({"days": 3, "until": "2030-01-01T00:00:00Z"}, "days"),
        ({"until": "yesterday"}, "until"),
        ({"until": "2001-01-01T00:00:00Z"}, "until"),
        ({"until": "2999-01-01T00:00:00Z"}, "until"),
    ],
)
def test_bad_features_get_400_naming_the_field(mod_api, review, payload, field):
    response = mod_api.put(feature_url(review.pk), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_only_published_reviews_of_others_can_be_featured(mod_api, moderator, product, review):
    Review.objects.filter(pk=review.pk).update(status="hidden")
    response = mod_api.put(feature_url(review.pk), {"days": 3}, format="json")
    assert response.status_code == 400 and "review" in response.json()
    own = ReviewFactory(author=moderator, product=ProductFactory())
    assert mod_api.put(feature_url(own.pk), {"days": 3}, format="json").status_code == 403


# --- announcements --------------------------------------------------------------------------------


def test_pinned_announcements_show_while_they_run(mod_api, api_client):
    response = mod_api.post(
        "/api/v1/moderation/announcements/",
        {"title": "Spring testers wanted", "body": "Apply by Friday", "link_url": "/rankings/"},
        format="json",
    )
    assert response.status_code == 201, response.content
    later = mod_api.post(
        "/api/v1/moderation/announcements/",
        {"title": "Maintenance tonight", "starts_at": (timezone.now() + timedelta(hours=2)).isoformat()},
        format="json",
    )
    assert later.status_code == 201
    public = api_client.get("/api/v1/announcements/")
    assert public.status_code == 200
    assert [a["title"] for a in public.json()["results"]] == ["Spring testers wanted"]
    # Unpin: gone from the public list, kept for moderators, change recorded.
    pk = response.json()["id"]
    assert mod_api.patch(f"/api/v1/moderation/announcements/{pk}/", {"pinned": False}, format="json").status_code == 200
    assert api_client.get("/api/v1/announcements/").json()["results"] == []
    assert len(mod_api.get("/api/v1/moderation/announcements/").json()["results"]) == 2
    entry = AuditEntry.objects.get(action="announcement_update")
    assert entry.before == {"pinned": True} and entry.after == {"pinned": False}


def test_at_most_three_pinned_at_once(moderator):
    for n in range(3):
        services.announcement_create(moderator=moderator, title=f"Notice {n}")
    with pytest.raises(ValidationError) as error:
        services.announcement_create(moderator=moderator, title="One too many")
    assert "pinned" in error.value.message_dict
    # Unpinned ones, and ones that have ended, do not count.
    services.announcement_create(moderator=moderator, title="Draft", pinned=False)
    assert Announcement.objects.count() == 4


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": "ok", "link_url": "javascript:alert(1)"}, "link_url"),
        ({"title": "ok", "link_url": "//evil.example"}, "link_url"),
        ({"title": "ok", "tone": "shouting"}, "tone"),
        ({"title": "ok", "starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}, "ends_at"),
        ({"title": "ok", "ends_at": "soon"}, "ends_at"),
    ],
)
def test_bad_announcements_get_400_naming_the_field(mod_api, payload, field):
    response = mod_api.post("/api/v1/moderation/announcements/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_announcement_include_template_needs_no_context(moderator):
    services.announcement_create(moderator=moderator, title="Vote-ring sweep done", tone="warning", link_url="/x/")
    services.announcement_create(moderator=moderator, title="Hidden draft", pinned=False)
    html = Template('{% include "moderation/partials/announcements.html" %}').render(Context({}))
    assert "Vote-ring sweep done" in html and "notice-warn" in html and 'href="/x/"' in html
    assert "Hidden draft" not in html
    # An update without signals (not through the services) is seen once the cached copy expires
    # (reviews.sitecache.ENTRY_SECONDS): dropped here as expiry would.
    Announcement.objects.update(pinned=False)
    assert "Vote-ring sweep done" in Template('{% include "moderation/partials/announcements.html" %}').render(
        Context({})
    )
    cache.delete(sitecache.entry_key(PINNED_ANNOUNCEMENTS))
    assert "announcement" not in Template('{% include "moderation/partials/announcements.html" %}').render(Context({}))


# --- editor's picks ------------------------------------------------------------------------------


def picks_url(slug) -> str:
    return f"/api/v1/moderation/editors-picks/{slug}/"


def test_editors_picks_are_set_in_order_and_shown_to_readers(
    mod_api, api_client, moderator, other_moderator, category, product
):
    first, second, third = (ReviewFactory(product=product) for _ in range(3))
    response = mod_api.put(
        picks_url(category.slug),
        {"picks": [{"review": second.pk, "note": "Best photos"}, {"review": first.pk}], "reason": "Spring refresh"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [row["review"]["id"] for row in response.json()] == [second.pk, first.pk]
    public = api_client.get(f"/api/v1/categories/{category.slug}/editors-picks/").json()["results"]
    assert [(r["id"], r["pick_position"], r["pick_note"]) for r in public] == [
        (second.pk, 1, "Best photos"),
        (first.pk, 2, ""),
    ]
    # Authors of newly picked reviews are told, once.
    assert Notification.objects.filter(recipient=second.author, data__editors_pick=True).count() == 1
    # Reorder and add: only the new author is told; the old pick keeps who picked it.
    services.editors_picks_set(
        category=category, moderator=other_moderator, picks=[{"review": first.pk}, {"review": third.pk}]
    )
    assert Notification.objects.filter(recipient=first.author, data__editors_pick=True).count() == 1
    assert Notification.objects.filter(recipient=third.author, data__editors_pick=True).count() == 1
    assert list(EditorsPick.objects.order_by("position").values_list("review_id", flat=True)) == [first.pk, third.pk]
    assert dict(EditorsPick.objects.values_list("review_id", "picked_by_id")) == {
        first.pk: moderator.pk,
        third.pk: other_moderator.pk,
    }
    entries = AuditEntry.objects.filter(action="editors_picks_set").order_by("id")
    assert entries.count() == 2
    assert entries[0].before["picks"] == [] and entries[1].before["picks"][0]["review"] == second.pk
    # A hidden pick is not shown to readers, but stays in the moderators' list.
    Review.objects.filter(pk=third.pk).update(status="hidden")
    assert [r.pk for r in selectors.editors_picks(category)] == [first.pk]
    assert len(mod_api.get(picks_url(category.slug)).json()) == 2


def test_setting_the_same_picks_again_writes_nothing(moderator, category, product):
    review = ReviewFactory(product=product)
    services.editors_picks_set(category=category, moderator=moderator, picks=[{"review": review.pk}])
    services.editors_picks_set(category=category, moderator=moderator, picks=[{"review": review.pk}])
    assert AuditEntry.objects.filter(action="editors_picks_set").count() == 1


@pytest.mark.parametrize(
    "picks, field",
    [
        ("not a list", "picks"),
        ([{"note": "no review"}], "picks"),
        ([{"review": "x"}], "picks"),
        ([{"review": 2**70}], "picks"),
        ([{"review": 999_999}], "picks"),
        ([{"review": "SAME"}, {"review": "SAME"}], "picks"),
        ([{"review": "ELSEWHERE"}], "picks"),
        ([{"review": "HIDDEN"}], "picks"),
        ([{"review": "SAME", "note": "x" * 201}], "picks"),
        ([{"review": n} for n in range(1, 14)], "picks"),
    ],
)
def test_bad_picks_get_400_naming_the_field(mod_api, category, product, picks, field):
    same = ReviewFactory(product=product)
    elsewhere = ReviewFactory(product=ProductFactory(category=CategoryFactory()))
    hidden = ReviewFactory(product=product, status="hidden")
    ids = {"SAME": same.pk, "ELSEWHERE": elsewhere.pk, "HIDDEN": hidden.pk}
    if isinstance(picks, list):
        picks = [{**p, "review": ids.get(p.get("review"), p.get("review"))} if "review" in p else p for p in picks]
    response = mod_api.put(picks_url(category.slug), {"picks": picks}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not EditorsPick.objects.exists()


def test_moderator_cannot_pick_their_own_review(moderator, category, product):
    own = ReviewFactory(author=moderator, product=product)
    with pytest.raises(PermissionDenied):
        services.editors_picks_set(category=category, moderator=moderator, picks=[{"review": own.pk}])


def test_unknown_category_is_404(mod_api, api_client):
    assert api_client.get("/api/v1/categories/nope/editors-picks/").status_code == 404
    assert mod_api.put(picks_url("nope"), {"picks": []}, format="json").status_code == 404


def test_editors_picks_inclusion_tag_renders_cards(moderator, category, product):
    review = ReviewFactory(product=product, title="The one to read")
    services.editors_picks_set(category=category, moderator=moderator, picks=[{"review": review.pk}])
    request = RequestFactory().get("/")
    request.user = UserFactory()
    html = Template("{% load moderation_tags %}{% editors_picks category %}").render(
        Context({"category": category, "request": request})
    )
    assert "Editor's picks" in html and "The one to read" in html
