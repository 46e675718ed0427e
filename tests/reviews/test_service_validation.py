"""The services refuse what the API refuses, so every write path (web, admin, imports, tasks,
the demo seeder) keeps the same rules: each case below is sent to the API (a 400 naming the
field) and given to the service (a ValidationError naming the field), and nothing is written.
A 121-character title used to reach the database (DataError, a 500 off the API) and an empty
body was stored."""

import json

import pytest
from django.core.exceptions import ValidationError

from accounts import services as account_services
from reviews import services
from reviews.models import Comment, Product, Review
from tests.conftest import client_for
from tests.factories import BrandFactory, CategoryFactory, CommentFactory, ProductFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
REVIEW = {"rating": 4, "title": "Calm skin by day three", "body": "Light, no scent, no sting."}
REVIEW_CASES = [
    ("title", ""),
    ("title", "   "),
    ("title", "x" * 121),
    ("title", NUL),
    ("body", ""),
    ("body", " \n "),
    ("body", "x" * 10_001),
    ("body", NUL),
    ("rating", 0),
    ("rating", 6),
    ("tags", ["x" * 41]),
]
COMMENT_CASES = ["", "  ", "x" * 2001, NUL]
PRODUCT = {"name": "Barrier Cream", "description": "A rich cream."}
PRODUCT_CASES = [("name", ""), ("name", "  "), ("name", "x" * 161), ("name", NUL), ("description", "x" * 5001)]
PROFILE_CASES = [("display_name", "x" * 61), ("display_name", NUL), ("bio", "x" * 501), ("bio", NUL)]


def refused(call, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        call()
    assert field in raised.value.message_dict, raised.value


def api_refuses(response, field: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert field in response.json()


def send(client, method: str, url: str, data: dict):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize(("field", "value"), REVIEW_CASES)
def test_review_create_refuses_what_the_api_refuses(field, value):
    author, product = UserFactory(), ProductFactory()
    data = {**REVIEW, field: value}
    api_refuses(send(client_for(author), "post", "/api/v1/reviews/", {**data, "product": product.pk}), field)
    refused(lambda: services.review_create(author=author, product=product, **data), field)
    assert not Review.objects.exists()


@pytest.mark.parametrize(("field", "value"), REVIEW_CASES)
def test_review_update_refuses_what_the_api_refuses(field, value):
    review = ReviewFactory(**REVIEW)
    api_refuses(send(client_for(review.author), "patch", f"/api/v1/reviews/{review.pk}/", {field: value}), field)
    refused(lambda: services.review_update(review=review, editor=review.author, **{field: value}), field)
    stored = Review.objects.get(pk=review.pk)
    assert (stored.rating, stored.title, stored.body, stored.edited_at) == (4, REVIEW["title"], REVIEW["body"], None)


def test_review_create_still_takes_the_longest_valid_text():
    author, product = UserFactory(), ProductFactory()
    review = services.review_create(
        author=author, product=product, rating=5, title=" " + "t" * 120 + " ", body="b" * 10_000, tags=["x" * 40]
    )
    assert (len(review.title), len(review.body)) == (120, 10_000)


@pytest.mark.parametrize("body", COMMENT_CASES)
def test_comment_create_refuses_what_the_api_refuses(body):
    review, author = ReviewFactory(), UserFactory()
    api_refuses(send(client_for(author), "post", f"/api/v1/reviews/{review.pk}/comments/", {"body": body}), "body")
    refused(lambda: services.comment_create(author=author, review=review, body=body), "body")
    assert not Comment.objects.exists()
    assert Review.objects.values_list("comment_count", flat=True).get(pk=review.pk) == 0


@pytest.mark.parametrize("body", COMMENT_CASES)
def test_comment_update_refuses_what_the_api_refuses(body):
    comment = CommentFactory(body="Does it pill?")
    api_refuses(send(client_for(comment.author), "patch", f"/api/v1/comments/{comment.pk}/", {"body": body}), "body")
    refused(lambda: services.comment_update(comment=comment, user=comment.author, body=body), "body")
    assert Comment.objects.values_list("body", flat=True).get(pk=comment.pk) == "Does it pill?"


@pytest.mark.parametrize(("field", "value"), PRODUCT_CASES)
def test_product_create_refuses_what_the_api_refuses(field, value):
    brand, category, user = BrandFactory(slug="lumen"), CategoryFactory(slug="skincare"), UserFactory()
    data = {**PRODUCT, field: value}
    api_refuses(
        send(client_for(user), "post", "/api/v1/products/", {**data, "brand": "lumen", "category": "skincare"}), field
    )
    refused(lambda: services.product_create(brand=brand, category=category, created_by=user, **data), field)
    assert not Product.objects.exists()


@pytest.mark.parametrize(("field", "value"), PROFILE_CASES)
def test_profile_update_refuses_what_the_api_refuses(field, value):
    user = UserFactory(display_name="Mei", bio="Dry skin.")
    api_refuses(send(client_for(user), "patch", "/api/v1/me/", {field: value}), field)
    refused(lambda: account_services.profile_update(user=user, **{field: value}), field)
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("Mei", "Dry skin.")


def test_profile_update_strips_as_the_api_does():
    user = UserFactory()
    account_services.profile_update(user=user, display_name="  Mei  ", bio=" Dry skin.\n")
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("Mei", "Dry skin.")
