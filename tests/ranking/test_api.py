"""The ranking API: what users and apps see, constant queries per page, 4xx on bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ranking import policy
from ranking import scoring as S
from reviews import cards
from reviews.models import Review
from tests.conftest import client_for
from tests.factories import CategoryFactory, ProductFactory
from tests.ranking.conftest import add_votes, make_review, rerank, seasoned_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(category):
    """Two products with 8 and 4 ranked reviews (photos, tags-free), votes of varied weight."""
    first, second = ProductFactory(category=category), ProductFactory(category=category)
    reviews = []
    for i in range(12):
        review = make_review(product=first if i < 8 else second, photos=i % 3, rating=1 + i % 5)
        add_votes(review, helpful=i % 4, unhelpful=i % 2)
        reviews.append(review)
    rerank(full=True)
    return first, second, reviews


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def query_count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response


def test_discover_is_ordered_by_the_stored_score_and_pages_by_cursor(ranked, api_client):
    _, _, reviews = ranked
    expected = [r.pk for r in sorted(reviews, key=lambda r: (-r.score.discover, -r.pk))]
    seen, url = [], "/api/v1/discover/?page_size=5"
    while url:
        response = api_client.get(url)
        seen += ids(response)
        url = response.json()["next"]
    assert seen == expected
    first = api_client.get("/api/v1/discover/?page_size=1").json()["results"][0]
    assert first["quality"] > 0 and "discover_score" in first and first["author"]["level"] >= 1


def test_discover_filters_by_category_and_names_a_bad_one(ranked, api_client):
    elsewhere = make_review(product=ProductFactory(category=CategoryFactory()))
    rerank()
    category = ranked[0].category
    assert elsewhere.pk not in ids(api_client.get(f"/api/v1/discover/?category={category.slug}&page_size=50"))
    assert elsewhere.pk in ids(api_client.get("/api/v1/discover/?page_size=50"))
    response = api_client.get("/api/v1/discover/?category=no-such-thing")
    assert response.status_code == 400 and "category" in response.json()
    response = api_client.get("/api/v1/discover/?cursor=garbage")
    assert response.status_code == 400 and "cursor" in response.json()


def test_list_pages_cost_a_fixed_number_of_queries(ranked, api_client, django_assert_num_queries):
    first, _, _ = ranked
    category = first.category
    for path, expected in (
        ("/api/v1/discover/", 4),  # page, products (with brands and categories), tags, photos
        (f"/api/v1/discover/?category={category.slug}&", 5),  # + the category
        (f"/api/v1/products/{first.slug}/reviews/most-helpful/", 5),  # + the product
        (f"/api/v1/categories/{category.slug}/ranking/", 2),
        ("/api/v1/reviews/", 4),  # review cards carry the author's level, query-free
    ):
        sep = "&" if path.endswith("&") else "?"
        cards.invalidate()  # every card drawn (reviews/cards.py)
        small, _ = query_count(api_client, f"{path}{'' if sep == '&' else '?'}page_size=2")
        cards.invalidate()
        with django_assert_num_queries(expected):
            response = api_client.get(f"{path}{'' if sep == '&' else '?'}page_size=10")
        assert response.status_code == 200 and small == expected, path
    # From the card cache the discover feed needs neither products nor tags nor photos.
    api_client.get("/api/v1/discover/?page_size=10")
    with django_assert_num_queries(1):
        api_client.get("/api/v1/discover/?page_size=10")


def test_review_cards_show_level_1_before_any_ranking(api_client, product):
    make_review(product=product)
    response = api_client.get("/api/v1/reviews/")
    assert response.status_code == 200
    assert response.json()["results"][0]["author"]["level"] == 1


def test_most_helpful_orders_by_quality(ranked, api_client):
    first, _, reviews = ranked
    mine = [r for r in reviews if r.product_id == first.pk]
    expected = [r.pk for r in sorted(mine, key=lambda r: (-r.score.quality, -r.pk))]
    assert ids(api_client.get(f"/api/v1/products/{first.slug}/reviews/most-helpful/?page_size=50")) == expected
    assert api_client.get("/api/v1/products/nope/reviews/most-helpful/").status_code == 404


def test_why_ranked_here_lists_each_component_and_weight(ranked, api_client):
    review = ranked[2][3]
    data = api_client.get(f"/api/v1/reviews/{review.pk}/ranking/").json()
    assert data["ranked"] is True
    weights = {c["name"]: c["weight"] for c in data["components"]}
    assert weights == {
        "helpfulness": S.W_HELPFULNESS,
        "content": S.W_CONTENT,
        "author_prior": S.W_AUTHOR,
        "agreement": S.W_AGREEMENT,
        "floor": S.QUALITY_FLOOR,
    }
    assert sum(c["contribution"] for c in data["components"]) == pytest.approx(data["quality"], abs=1e-5)
    content = next(c for c in data["components"] if c["name"] == "content")
    assert {p["name"] for p in content["parts"]} == {"length", "photos", "text"}
    assert data["discover_terms"]["log_quality"] + data["discover_terms"]["age_term"] == pytest.approx(
        data["discover"], abs=1e-5
    )


def test_why_ranked_here_follows_a_changed_weight(ranked, api_client, monkeypatch):
    """The parts' weights are the formula's constants, read when asked (ranking.formula)."""
    review = ranked[2][3]
    monkeypatch.setattr(S, "W_AUTHOR", 0.3)
    monkeypatch.setitem(S.CONTENT_WEIGHTS, "photos", 0.4)
    data = api_client.get(f"/api/v1/reviews/{review.pk}/ranking/").json()
    prior = next(c for c in data["components"] if c["name"] == "author_prior")
    assert (prior["label"], prior["weight"]) == ("Author's standing", 0.3)
    assert prior["contribution"] == round(prior["value"] * 0.3, S.ROUND_DIGITS)
    photos = next(p for c in data["components"] for p in c.get("parts", []) if p["name"] == "photos")
    assert (photos["label"], photos["weight"]) == ("Photos", 0.4)
    assert "0.3 × author's standing" in data["formula"]


def test_why_ranked_here_for_unscored_hidden_and_missing_reviews(product, api_client):
    fresh = make_review(product=product)
    data = api_client.get(f"/api/v1/reviews/{fresh.pk}/ranking/").json()
    assert data["ranked"] is False and "refresh" in data["reason"]
    hidden = make_review(product=product, status=Review.Status.HIDDEN)
    assert api_client.get(f"/api/v1/reviews/{hidden.pk}/ranking/").status_code == 404
    own = client_for(hidden.author).get(f"/api/v1/reviews/{hidden.pk}/ranking/").json()
    assert own["ranked"] is False and "never ranked" in own["reason"]
    assert api_client.get("/api/v1/reviews/999999/ranking/").status_code == 404


def test_standing_shows_level_progress_badges_and_history_to_the_member_only(category, api_client, monkeypatch):
    monkeypatch.setattr(policy, "TESTER_TOP_K_OVERALL", 1)
    monkeypatch.setattr(policy, "TESTER_MIN_LEVEL", 1)
    monkeypatch.setattr(policy, "TESTER_MIN_RECENT_REVIEWS", 1)
    author = seasoned_user()
    add_votes(make_review(author=author, product=ProductFactory(category=category)), helpful=6)
    rerank(full=True)
    public = api_client.get(f"/api/v1/users/{author.username}/standing/").json()
    assert public["level"] >= 1 and 0 <= public["progress"]["fraction"] <= 1
    assert public["progress"]["next_threshold"] == S.LEVEL_THRESHOLDS[public["level"]]
    # Rank 1 with one review in a community of one is no "Top" badge (ranking/badges.py).
    assert [b["code"] for b in public["badges"]] == ["invited_tester"]
    assert public["is_tester"] is True and "tester_history" not in public
    own = client_for(author).get(f"/api/v1/users/{author.username}/standing/").json()
    assert [e["kind"] for e in own["tester_history"]] == ["promoted"]
    assert own["tester_history"][0]["figures"]["overall_rank"] == 1
    assert (
        client_for(seasoned_user()).get(f"/api/v1/users/{author.username}/standing/").json().get("tester_history")
        is None
    )
    assert api_client.get("/api/v1/users/nobody-here/standing/").status_code == 404


def test_levels_publish_the_threshold_table_and_the_tester_bar(api_client, settings):
    data = APIClient().get("/api/v1/levels/").json()
    assert [row["min_reputation"] for row in data["levels"]] == S.LEVEL_THRESHOLDS
    assert [row["level"] for row in data["levels"]] == list(range(1, 11))
    assert data["tester_bar"]["min_level"] == policy.TESTER_MIN_LEVEL


def test_category_ranking(ranked, api_client, settings):
    first, second, _ = ranked
    category = first.category
    rows = api_client.get(f"/api/v1/categories/{category.slug}/ranking/").json()["results"]
    assert [row["rank"] for row in rows] == [1, 2]
    assert {row["product"]["slug"] for row in rows} == {first.slug, second.slug}
    assert rows[0]["bayesian_score"] >= rows[1]["bayesian_score"]
    assert api_client.get("/api/v1/categories/nope/ranking/").status_code == 404


def test_the_schema_documents_the_ranking_endpoints(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/discover/",
        "/api/v1/levels/",
        "/api/v1/products/{slug}/reviews/most-helpful/",
        "/api/v1/reviews/{id}/ranking/",
        "/api/v1/users/{username}/standing/",
        "/api/v1/categories/{slug}/ranking/",
    ):
        assert path in schema
