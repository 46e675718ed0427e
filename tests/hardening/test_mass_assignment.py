"""Mass assignment: no write endpoint lets a client set authorship, counters, scores, levels,
moderation state, staff flags, suspensions or brand verification.

Two layers: every write operation in the OpenAPI schema is checked for forbidden fields in its
request body, and the main write endpoints are sent those fields to show they are ignored."""

from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from ranking.models import ReviewerStanding
from reviews.models import Brand, Comment, Review
from tests.conftest import client_for
from tests.factories import BrandFactory, CategoryFactory, CommentFactory, ProductFactory, ReviewFactory, UserFactory

FORBIDDEN = {
    "author",
    "author_id",
    "user",
    "created_by",
    "created_at",
    "edited_at",
    "helpful_count",
    "not_helpful_count",
    "comment_count",
    "save_count",
    "score",
    "quality",
    "quality_score",
    "discover_key",
    "reputation",
    "level",
    "rank",
    "is_tester",
    "status",
    "is_staff",
    "is_superuser",
    "is_active",
    "groups",
    "user_permissions",
    "suspended_until",
    "is_verified",
    "role",
}


def _writable_properties(schema: dict, node: dict, seen: tuple = ()) -> set[str]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return set() if name in seen else _writable_properties(schema, schema[name], (*seen, name))
    names: set[str] = set()
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in node.get(key, []):
            names |= _writable_properties(schema, sub, seen)
    for name, prop in node.get("properties", {}).items():
        if not prop.get("readOnly"):
            names.add(name)
            names |= _writable_properties(schema, prop, seen)
    if "items" in node:
        names |= _writable_properties(schema, node["items"], seen)
    return names


def test_no_write_operation_accepts_a_protected_field():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    offenders, writes = [], 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            writes += 1
            for content in operation.get("requestBody", {}).get("content", {}).values():
                accepted = _writable_properties(components, content.get("schema", {}))
                offenders += [f"{method.upper()} {path}: {name}" for name in sorted(accepted & FORBIDDEN)]
    assert writes > 30  # the walk really saw the API
    assert offenders == []


@pytest.mark.django_db
def test_sign_up_cannot_make_staff_or_pre_levelled_accounts(api_client):
    response = api_client.post(
        "/api/v1/auth/register/",
        {
            "username": "climber",
            "email": "c@example.com",
            "password": "a-long-Passphrase-42",
            "is_staff": True,
            "is_superuser": True,
            "is_active": False,
            "level": 10,
            "groups": [1],
            "suspended_until": None,
        },
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(username="climber")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert not user.groups.exists()
    assert not ReviewerStanding.objects.filter(user=user, level__gt=1).exists()


@pytest.mark.django_db
def test_profile_update_ignores_staff_flags_suspension_and_standing():
    suspended_until = timezone.now() + timedelta(days=3)
    user = UserFactory(suspended_until=suspended_until)
    response = client_for(user).patch(
        "/api/v1/me/",
        {
            "display_name": "New name",
            "username": "someone-else",
            "is_staff": True,
            "is_superuser": True,
            "suspended_until": None,
            "level": 10,
            "reputation": 9999,
            "role": "moderator",
        },
        format="json",
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "New name"
    assert user.username != "someone-else"
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert user.suspended_until == suspended_until
    assert response.data["role"] == "consumer"
    assert not ReviewerStanding.objects.filter(user=user, level__gt=1).exists()


@pytest.mark.django_db
def test_review_create_and_edit_ignore_author_counters_and_status():
    author, victim = UserFactory(), UserFactory()
    client = client_for(author)
    product = ProductFactory()
    protected = {
        "author": victim.pk,
        "helpful_count": 500,
        "not_helpful_count": 7,
        "save_count": 90,
        "comment_count": 3,
        "status": "hidden",
        "created_at": "2001-01-01T00:00:00Z",
        "score": 99.0,
    }
    created = client.post(
        "/api/v1/reviews/",
        {"product": product.pk, "rating": 3, "title": "Honest", "body": "Fine.", **protected},
        format="json",
    )
    assert created.status_code == 201, created.content
    review = Review.objects.get(pk=created.data["id"])
    assert review.author == author
    assert (review.helpful_count, review.not_helpful_count, review.save_count, review.comment_count) == (0, 0, 0, 0)
    assert review.status == Review.Status.PUBLISHED
    assert review.created_at.year == timezone.now().year
    for method in ("patch", "put"):
        edited = getattr(client, method)(
            f"/api/v1/reviews/{review.pk}/",
            {"rating": 2, "title": "Edited", "body": "Less fine.", **protected},
            format="json",
        )
        assert edited.status_code == 200, edited.content
        review.refresh_from_db()
        assert review.author == author and review.helpful_count == 0 and review.status == Review.Status.PUBLISHED
        assert review.rating == 2


@pytest.mark.django_db
def test_comment_edit_cannot_move_or_reassign_the_comment():
    comment = CommentFactory()
    other_review = ReviewFactory()
    response = client_for(comment.author).patch(
        f"/api/v1/comments/{comment.pk}/",
        {"body": "edited", "author": UserFactory().pk, "review": other_review.pk, "status": "hidden"},
        format="json",
    )
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.body == "edited"
    assert comment.review_id != other_review.pk
    assert comment.status == Comment.Status.PUBLISHED


@pytest.mark.django_db
def test_product_and_brand_creation_cannot_claim_verification_or_another_creator():
    user, someone = UserFactory(), UserFactory()
    client = client_for(user)
    brand, category = BrandFactory(), CategoryFactory()
    product = client.post(
        "/api/v1/products/",
        {"brand": brand.slug, "category": category.slug, "name": "Gel", "created_by": someone.pk, "review_count": 50},
        format="json",
    )
    assert product.status_code == 201, product.content
    assert product.data["review_count"] == 0
    registered = client.post(
        "/api/v1/brand/", {"name": "Self Made", "website": "", "is_verified": True, "slug": "taken"}, format="json"
    )
    assert registered.status_code == 201, registered.content
    assert Brand.objects.get(name="Self Made").is_verified is False
