"""The invited-tester filter, the web search page, and the full rebuild."""

import pytest
from django.core.management import call_command

from reviews.services import review_create
from search.models import SearchDocument
from tests.brands.conftest import new_campaign, walk_to_received
from tests.factories import (
    BrandFactory,
    BrandMembershipFactory,
    CategoryFactory,
    ProductFactory,
    UserFactory,
    make_tester,
)

pytestmark = pytest.mark.django_db


def test_invited_tester_reviews_can_be_kept_or_left_out(api_client):
    skincare = CategoryFactory(slug="skincare")
    brand = BrandFactory(name="Dewy Lab", is_verified=True)
    member = BrandMembershipFactory(brand=brand, user=UserFactory()).user
    product = ProductFactory(brand=brand, category=skincare, name="Barrier Cream")
    tester = make_tester(category=skincare, username="mei")
    walk_to_received(member, new_campaign(member, product), tester)
    tested = review_create(author=tester, product=product, rating=4, title="Barrier test", body="Two weeks in.")
    bought = review_create(author=UserFactory(), product=product, rating=3, title="Barrier", body="Bought it.")

    def ids(**params):
        return {r["id"] for r in api_client.get("/api/v1/search/", {"q": "barrier", **params}).json()["results"]}

    assert ids() == {tested.pk, bought.pk}
    assert ids(invited_tester="true") == {tested.pk}
    assert ids(invited_tester="false") == {bought.pk}
    invited = api_client.get("/api/v1/search/", {"q": "barrier", "invited_tester": "true"}).json()["results"][0]
    assert invited["invited_tester"] is True


def test_the_search_page_shows_count_sorts_filters_and_marks(client):
    CategoryFactory(slug="skin", name="Skin")
    product = ProductFactory(name="Velvet Serum")
    review_create(author=UserFactory(), product=product, rating=5, title="Serum <love>", body="The serum sinks in.")
    page = client.get("/search/", {"q": "serums"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 review matching" in html
    assert "<mark>Serum</mark> &lt;love&gt;" in html
    assert "Velvet Serum" in html  # the product
    assert 'name="min_rating"' in html and 'name="tester"' in html and "Most helpful" in html
    assert "0 reviews" in client.get("/search/", {"q": "serums", "min_rating": "5", "photos": "on"}).content.decode()


@pytest.mark.parametrize("q", ["x" * 2000, "\x00"])
def test_the_search_page_refuses_bad_input_without_a_500(client, q):
    assert client.get("/search/", {"q": q}).status_code == 400


def test_the_search_page_answers_punctuation_and_sql_with_no_results(client):
    for q in ("!!!", "'; DROP TABLE reviews_review; --", "#"):
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200


def test_search_reindex_rebuilds_the_index(api_client):
    review = review_create(author=UserFactory(), product=ProductFactory(), rating=4, title="Toner", body="Calming.")
    SearchDocument.objects.all().delete()
    SearchDocument.objects.create(kind="review", object_id=review.pk + 1000, terms_a="ghost")
    assert api_client.get("/api/v1/search/", {"q": "toner"}).json()["count"] == 0
    call_command("search_reindex", verbosity=0)
    assert [r["id"] for r in api_client.get("/api/v1/search/", {"q": "toner"}).json()["results"]] == [review.pk]
    assert not SearchDocument.objects.filter(terms_a="ghost").exists()


def test_moderators_edit_the_synonym_list_in_the_admin(client, api_client):
    from django.contrib.auth.models import Group

    from accounts.models import MODERATORS_GROUP

    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    client.force_login(moderator)
    review = review_create(author=UserFactory(), product=ProductFactory(), rating=4, title="Sunblock", body="Fine.")
    assert api_client.get("/api/v1/search/", {"q": "防晒"}).json()["count"] == 0
    response = client.post("/admin/search/synonym/add/", {"terms": "防晒, sunblock, sunscreen"})
    assert response.status_code == 302, response.content
    assert [r["id"] for r in api_client.get("/api/v1/search/", {"q": "防晒"}).json()["results"]] == [review.pk]
