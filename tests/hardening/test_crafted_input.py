"""Crafted input that used to reach the database or the parser and answer 500: cursors that are
not positions of the list they are sent to, and request bodies nested deeper than any Candor
payload (Python's JSON decoder recursed until RecursionError). Each is a 400 naming what was
wrong."""

import base64
import json

import pytest

from ranking import scoring as S
from tests.conftest import client_for
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, ReviewFactory, UserFactory


def crafted(position: str) -> str:
    """A cursor in DRF's format (base64 of a query string) holding `position`."""
    return base64.b64encode(f"p={position}".encode()).decode()


@pytest.fixture
def listed(db):
    category = CategoryFactory(slug="skincare")
    product = ProductFactory(category=category, brand=BrandFactory(slug="lumen"))
    ReviewFactory(product=product)
    return category


# Each list with the type of its first ordering column.
CURSOR_LISTS = {
    "/api/v1/discover/": "number",
    "/api/v1/categories/skincare/ranking/": "number",
    "/api/v1/products/{product}/reviews/most-helpful/": "number",
    "/api/v1/reviews/": "date",
    "/api/v1/feed/": "date",
    "/api/v1/products/": "text",
    "/api/v1/brands/": "text",
    "/api/v1/categories/": "text",
}
NOT_A_VALUE = {
    "number": ["x", "1\x00", "nan", "inf", "-inf", "9" * 400, ""],
    "date": ["x", "2024-13-45", "2024-01-01\x00", ""],
    "text": ["\x00", "Lumen\x00", "x" * 400],
}


def _url(template: str) -> str:
    from reviews.models import Product

    return template.format(product=Product.objects.values_list("slug", flat=True).get(brand__slug="lumen"))


@pytest.mark.parametrize(
    ("template", "position"),
    [(template, position) for template, kind in CURSOR_LISTS.items() for position in NOT_A_VALUE[kind]],
)
def test_crafted_cursor_is_a_400_naming_cursor(api_client, listed, template, position):
    response = api_client.get(_url(template), {"cursor": crafted(position)})
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert "cursor" in response.json()


@pytest.mark.parametrize(
    "cursor", ["not base64!", base64.b64encode(b"o=x").decode(), base64.b64encode(b"r=x").decode(), "cD0"]
)
def test_undecodable_cursor_is_a_400_naming_cursor(api_client, listed, cursor):
    response = api_client.get("/api/v1/products/", {"cursor": cursor})
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert "cursor" in response.json()


@pytest.mark.parametrize("template", CURSOR_LISTS)
def test_next_and_previous_cursors_still_page(api_client, listed, template, monkeypatch):
    """The check refuses only what a list would never write: its own links are followed."""
    from ranking.services import rerank

    monkeypatch.setattr(S, "PRODUCT_MIN_REVIEWS", 1)
    for n in range(2):
        ProductFactory(category=listed, brand=BrandFactory(), name=f"P{n}")
    for product in listed.products.all():
        for _ in range(2):
            ReviewFactory(product=product)
    CategoryFactory()
    rerank(full=True)
    first = api_client.get(_url(template), {"page_size": 1})
    assert first.status_code == 200
    next_link = first.json()["next"]
    assert next_link, first.json()
    second = api_client.get(next_link)
    assert second.status_code == 200, second.content[:300]
    assert second.json()["results"] != first.json()["results"]
    assert api_client.get(second.json()["previous"]).status_code == 200


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deeply_nested_json_is_a_400_on_anonymous_register(api_client, db):
    response = api_client.post("/api/v1/auth/register/", nested(1000), content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert "nested" in response.json()["detail"]


@pytest.mark.parametrize("depth", [100, 10_000, 200_000])
def test_deeply_nested_json_is_a_400_when_signed_in(db, depth):
    user = UserFactory()
    review = ReviewFactory()
    body = '{"helpful": ' + nested(depth) + "}"
    response = client_for(user).put(f"/api/v1/reviews/{review.pk}/vote/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert "nested" in response.json()["detail"]


def test_nesting_inside_strings_does_not_count(db):
    """Brackets in a string are text, not nesting: a review about "[[[[...]]]]" is fine."""
    user = UserFactory()
    product = ProductFactory()
    body = {"product": product.pk, "rating": 4, "title": "[" * 70 + "{", "body": '"[{' * 2000}
    response = client_for(user).post("/api/v1/reviews/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content[:300]


def test_ordinary_nesting_is_parsed(db):
    user = UserFactory()
    response = client_for(user).post(
        "/api/v1/me/notifications/read/", json.dumps({"ids": [1, 2, 3]}), content_type="application/json"
    )
    assert response.status_code == 200, response.content


def test_oversized_json_body_is_refused(api_client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "someone", "password": "x" * 2000})
    response = api_client.post("/api/v1/auth/register/", body, content_type="application/json")
    assert response.status_code == 413, response.content[:300]


@pytest.mark.parametrize(
    "text",
    ["p=1.0&i=" + "9" * 30, "p=1.0&i=-" + "9" * 30, "p=nan&i=1", "p=1.0&i=x", "p=1\x00&i=1", "p=" + "9" * 400],
)
def test_crafted_web_cursor_is_a_400_naming_cursor(client, listed, text):
    cursor = base64.urlsafe_b64encode(text.encode()).decode()
    response = client.get("/", {"cursor": cursor})
    assert response.status_code == 400, response.status_code
    assert b"cursor" in response.content


@pytest.mark.parametrize("position", ["x", "2024-01-01\x00"])
def test_crafted_cursor_on_the_following_tab_is_a_400(client, listed, position):
    client.force_login(UserFactory())
    response = client.get("/", {"tab": "following", "cursor": crafted(position)})
    assert response.status_code == 400
    assert b"cursor" in response.content
