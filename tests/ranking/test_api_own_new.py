"""The discover API gives a signed-in author their own reviews the rerank has not ranked yet, as
the web's Discover does (issue 25 item 6): in `own_new` on the first page, the same reviews the
web shows (ranking.selectors.own_unranked_reviews), and nobody else's."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from reviews import services
from reviews.models import Review
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory
from tests.ranking.conftest import rerank

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_review(author, product, title="Calmed my redness in a week") -> Review:
    return services.review_create(
        author=author, product=product, rating=4, title=title, body="It sinks in within minutes.", tags=[], photos=[]
    )


@pytest.fixture
def ranked_site(product):
    for _ in range(3):
        ReviewFactory(product=product)
    rerank()


def own_new_ids(client, url="/api/v1/discover/") -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["own_new"]]


def test_the_author_gets_their_unranked_review_in_own_new_and_not_in_results(ranked_site, user, product):
    review = new_review(user, product)
    data = api_for(user).get("/api/v1/discover/").json()
    assert [row["id"] for row in data["own_new"]] == [review.pk]
    assert review.pk not in [row["id"] for row in data["results"]]
    mine = data["own_new"][0]
    assert mine["title"] == "Calmed my redness in a week" and mine["author"]["username"] == user.username
    assert mine["discover_score"] is None and mine["quality"] is None  # not scored yet


def test_the_api_and_the_web_show_the_author_the_same_new_reviews(ranked_site, user, product):
    older = new_review(user, ProductFactory(category=product.category), title="First of four")
    newer = [new_review(user, ProductFactory(category=product.category), title=f"Later {n}") for n in range(3)]
    api_ids = own_new_ids(api_for(user))
    assert api_ids == [r.pk for r in reversed(newer)]  # newest first, at most three
    assert older.pk not in api_ids
    web = Client()
    web.force_login(user)
    page = web.get("/").content.decode()
    for pk in api_ids:
        assert f"/r/{pk}/" in page
    assert f"/r/{older.pk}/" not in page


def test_others_and_visitors_get_no_own_new_and_the_review_waits_for_the_rerank(ranked_site, user, product):
    review = new_review(user, product)
    other = api_for(UserFactory())
    assert own_new_ids(other) == []
    assert review.pk not in [row["id"] for row in other.get("/api/v1/discover/?page_size=50").json()["results"]]
    assert own_new_ids(APIClient()) == []
    rerank()
    assert review.pk in [row["id"] for row in other.get("/api/v1/discover/?page_size=50").json()["results"]]
    # Once ranked it is in the feed for its author too, and no longer in own_new.
    author = api_for(user)
    assert own_new_ids(author) == []
    assert review.pk in [row["id"] for row in author.get("/api/v1/discover/?page_size=50").json()["results"]]


def test_own_new_follows_the_category_and_only_the_first_page(ranked_site, user, product):
    review = new_review(user, product)
    client = api_for(user)
    assert own_new_ids(client, f"/api/v1/discover/?category={product.category.slug}") == [review.pk]
    assert own_new_ids(client, f"/api/v1/discover/?category={CategoryFactory().slug}") == []
    first = client.get("/api/v1/discover/?page_size=1").json()
    assert first["next"] and [row["id"] for row in first["own_new"]] == [review.pk]
    assert own_new_ids(client, first["next"]) == []


def test_the_schema_documents_own_new(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    page = schema["components"]["schemas"]["PaginatedDiscoverReviewList"]
    assert "own_new" in page["properties"] and "own_new" in page["required"]
    # The other ranked lists' pages have no own_new.
    assert "own_new" not in schema["components"]["schemas"]["PaginatedRankedReviewList"]["properties"]
