"""The For You API: the feed (cursor-paged, bad cursors 400), interests, show less, seen, reset,
related notes, and the schema."""

import base64

import pytest

from foryou import services
from foryou.models import ShowLess, TagInterest
from reviews.models import Save
from tests.conftest import client_for
from tests.factories import UserFactory

from .conftest import make_review, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(categories):
    reviews = [make_review(category=c, quality=0.5) for c in categories.values() for _ in range(6)]
    refresh()
    return reviews


def test_feed_needs_a_signed_in_person(api_client, site):
    assert api_client.get("/api/v1/for-you/").status_code in (401, 403)


def test_feed_pages_with_cards_and_reasons(site):
    person = UserFactory()
    client = client_for(person)
    first = client.get("/api/v1/for-you/?page_size=10")
    assert first.status_code == 200
    body = first.json()
    assert len(body["results"]) == 10
    card = body["results"][0]
    assert card["reason"]["text"] == "Popular on Candor" and card["reason"]["kind"] == "popular"
    assert card["review"]["id"] and card["first_chance"] is False
    second = client.get(body["next"]).json()
    ids = [c["review"]["id"] for c in body["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 20


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "%00",
        base64.urlsafe_b64encode(b"0123456789.0").decode(),
        base64.urlsafe_b64encode(b"0123456789.99999999").decode(),
        base64.urlsafe_b64encode(b"zzzz.5").decode(),
        base64.urlsafe_b64encode("é.1".encode()).decode(),
    ],
)
def test_bad_cursor_is_a_400_naming_it(site, cursor):
    response = client_for(UserFactory()).get(f"/api/v1/for-you/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()


@pytest.mark.parametrize("size", ["0", "-1", "abc", "51"])
def test_bad_page_size_is_a_400_naming_it(site, size):
    response = client_for(UserFactory()).get(f"/api/v1/for-you/?page_size={size}")
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_interests_round_trip(site, categories):
    person = UserFactory()
    site[0].tags.create(name="dry-skin")
    client = client_for(person)
    response = client.put(
        "/api/v1/for-you/interests/", {"categories": ["skincare", "audio"], "tags": ["#Dry-Skin"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["categories"]) == ["audio", "skincare"]
    assert response.json()["tags"] == ["dry-skin"]
    assert TagInterest.objects.filter(user=person).count() == 1
    assert client.put("/api/v1/for-you/interests/", {"categories": ["nope"]}, format="json").json().keys() == {
        "categories"
    }
    bad_tag = client.put("/api/v1/for-you/interests/", {"categories": [], "tags": ["never-used"]}, format="json")
    assert bad_tag.status_code == 400 and "tags" in bad_tag.json()


def test_show_less_through_the_api(site):
    person = UserFactory()
    client = client_for(person)
    author = site[0].author
    response = client.post("/api/v1/for-you/show-less/", {"kind": "author", "target": author.username}, format="json")
    assert response.status_code == 201
    assert ShowLess.objects.filter(user=person, kind="author", target_id=author.pk).exists()
    feed = client.get("/api/v1/for-you/?page_size=30").json()["results"]
    assert author.username not in {c["review"]["author"]["username"] for c in feed}
    assert client.get("/api/v1/for-you/show-less/").json() == [{"kind": "author", "target": author.username}]
    assert (
        client.delete(
            "/api/v1/for-you/show-less/", {"kind": "author", "target": author.username}, format="json"
        ).status_code
        == 204
    )
    missing = client.post("/api/v1/for-you/show-less/", {"kind": "product", "target": "nope"}, format="json")
    assert missing.status_code == 400 and "target" in missing.json()
    wrong_kind = client.post("/api/v1/for-you/show-less/", {"kind": "brand", "target": "x"}, format="json")
    assert wrong_kind.status_code == 400 and "kind" in wrong_kind.json()


def test_seen_and_reset(site):
    person = UserFactory()
    client = client_for(person)
    first = [c["review"]["id"] for c in client.get("/api/v1/for-you/?page_size=5").json()["results"]]
    assert client.post("/api/v1/for-you/seen/", {"reviews": first}, format="json").json() == {"marked": 5}
    again = [c["review"]["id"] for c in client.get("/api/v1/for-you/?page_size=5").json()["results"]]
    assert not set(again) & set(first)
    too_many = client.post("/api/v1/for-you/seen/", {"reviews": list(range(1, 102))}, format="json")
    assert too_many.status_code == 400 and "reviews" in too_many.json()
    assert client.post("/api/v1/for-you/reset/", {}, format="json").status_code == 204
    back = [c["review"]["id"] for c in client.get("/api/v1/for-you/?page_size=5").json()["results"]]
    assert back == first


def test_related_notes_from_co_engagement_then_content(categories):
    skincare = categories["Skincare"]
    review = make_review(category=skincare, title="Ceramide barrier cream for winter")
    co = make_review(category=categories["Audio"], quality=0.3)
    for other in (UserFactory(), UserFactory()):
        Save.objects.create(user=other, review=review)
        Save.objects.create(user=other, review=co)
    same_product = make_review(product=review.product, quality=0.4)
    similar_title = make_review(category=skincare, title="Another barrier cream, thicker", quality=0.4)
    unrelated = make_review(category=categories["Snacks"], title="Chili crisp", quality=0.9)
    related = [r["id"] for r in client_for(UserFactory()).get(f"/api/v1/reviews/{review.pk}/related/").json()]
    assert related[0] == co.pk
    assert same_product.pk in related and similar_title.pk in related and unrelated.pk not in related
    # A brand-new note has neighbours at once.
    fresh = make_review(product=review.product, quality=None, age_hours=0)
    assert same_product.pk in [
        r["id"] for r in client_for(UserFactory()).get(f"/api/v1/reviews/{fresh.pk}/related/").json()
    ]
    assert client_for(UserFactory()).get("/api/v1/reviews/999999/related/").status_code == 404
    assert client_for(UserFactory()).get(f"/api/v1/reviews/{10**30}/related/").status_code == 404


def test_schema_documents_the_feed(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/for-you/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"cursor", "page_size"}
    assert "/api/v1/for-you/interests/" in schema["paths"]
    assert "/api/v1/reviews/{id}/related/" in schema["paths"]


def test_services_refuse_unknown_show_less_kind(site):
    with pytest.raises(Exception) as error:
        services.show_less_add(user=UserFactory(), kind="brand", target_id=1)
    assert "kind" in str(error.value)


def test_a_page_costs_the_same_queries_whatever_its_size(site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = UserFactory()
    client = client_for(person)
    client.get("/api/v1/for-you/?page_size=2")  # the list is built on the first visit
    counts = []
    for size in (3, 20):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(f"/api/v1/for-you/?page_size={size}").json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_related_never_shows_hidden_reviews_or_suspended_authors(categories):
    from datetime import timedelta

    from django.utils import timezone

    from reviews.models import Review

    review = make_review(category=categories["Skincare"])
    hidden = make_review(product=review.product, quality=0.6)
    suspended = make_review(product=review.product, quality=0.6)
    fine = make_review(product=review.product, quality=0.6)
    Review.objects.filter(pk=hidden.pk).update(status=Review.Status.HIDDEN)
    type(suspended.author).objects.filter(pk=suspended.author_id).update(
        suspended_until=timezone.now() + timedelta(days=1)
    )
    related = [r["id"] for r in client_for(UserFactory()).get(f"/api/v1/reviews/{review.pk}/related/").json()]
    assert related == [fine.pk]
