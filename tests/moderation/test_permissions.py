"""Every moderation endpoint as anonymous, a consumer, a brand member and a moderator."""

import pytest
from rest_framework.test import APIClient

from moderation import services
from moderation.models import AuditEntry, QueueItem
from ranking.models import FraudFlag
from reviews import services as review_services
from reviews.models import Review
from tests.conftest import client_for, shared_rows
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, ReviewFactory, UserFactory

from .conftest import make_brand_member, make_moderator

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "consumer", "brand_member", "moderator")
PUBLIC = dict.fromkeys(ROLES, 200)
MEMBER = {"anonymous": 401, "consumer": 200, "brand_member": 200, "moderator": 200}
MEMBER_CREATE = {"anonymous": 401, "consumer": 201, "brand_member": 201, "moderator": 201}


def mod_only(ok: int = 200) -> dict:
    return {"anonymous": 401, "consumer": 403, "brand_member": 403, "moderator": ok}


def build_world() -> dict:
    """The people and content of tests/moderation/conftest.py, and one of each thing a moderator
    decides on: a reported review in the queue, a fraud flag, an announcement, a warning."""
    category = CategoryFactory(name="Skincare", slug="skincare")
    brand = BrandFactory(name="Lumen", slug="lumen")
    product = ProductFactory(brand=brand, category=category, name="Barrier Cream", slug="lumen-barrier-cream")
    review = ReviewFactory(author=UserFactory(username="haruto"), product=product, title="Calmed my redness in a week")
    comment = review_services.comment_create(
        author=UserFactory(username="sora"), review=review, body="Did it pill under sunscreen?"
    )
    people = {
        "consumer": UserFactory(username="mei"),
        "brand_member": make_brand_member(brand, username="lumen_pr"),
        "moderator": make_moderator(username="mod_ana"),
    }
    other_moderator = make_moderator(username="mod_ben")
    reporter = UserFactory()
    services.report_create(reporter=reporter, review=review, reason="spam")
    flag = FraudFlag.objects.create(kind="serial_voting", key="serial:1:2", evidence={"author_id": None})
    flag.accounts.add(reporter)
    announcement = services.announcement_create(moderator=other_moderator, title="Welcome")
    services.user_warn(user=reporter, moderator=other_moderator, reason="Be kind")
    other_comment = review_services.comment_create(author=reporter, review=review, body="Nice one")
    return {
        "people": people,
        "review": review,
        "comment": comment,
        "other_comment": other_comment,
        "item": QueueItem.objects.get(review=review),
        "flag": flag,
        "announcement": announcement,
        "category": category,
        "reporter": reporter,
        "entry": AuditEntry.objects.latest("id"),
    }


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """Built once for the module's 112 cases; each case runs in a savepoint rolled back after it
    (tests/conftest.py's shared_rows), so what one case changes never reaches the next."""
    with shared_rows(django_db_blocker) as build:
        yield build(build_world)


@pytest.fixture
def world(module_world, db):
    return module_world


CASES = [
    ("announcements", "get", "/api/v1/announcements/", None, PUBLIC),
    ("editors picks", "get", "/api/v1/categories/{category.slug}/editors-picks/", None, PUBLIC),
    ("my reports", "get", "/api/v1/reports/", None, MEMBER),
    ("report", "post", "/api/v1/reports/", {"comment": "{other_comment.pk}", "reason": "spam"}, MEMBER_CREATE),
    ("decisions about me", "get", "/api/v1/me/moderation/", None, MEMBER),
    ("queue", "get", "/api/v1/moderation/queue/", None, mod_only()),
    ("queue item", "get", "/api/v1/moderation/queue/{item.pk}/", None, mod_only()),
    ("dismiss", "post", "/api/v1/moderation/queue/{item.pk}/dismiss/", {"reason": "fine"}, mod_only()),
    (
        "review action",
        "post",
        "/api/v1/moderation/reviews/{review.pk}/action/",
        {"action": "hide", "reason": "x"},
        mod_only(),
    ),
    (
        "comment action",
        "post",
        "/api/v1/moderation/comments/{comment.pk}/action/",
        {"action": "hide", "reason": "x"},
        mod_only(),
    ),
    (
        "member action",
        "post",
        "/api/v1/moderation/users/{reporter.username}/action/",
        {"action": "warn", "reason": "x"},
        mod_only(),
    ),
    ("feature", "put", "/api/v1/moderation/reviews/{review.pk}/feature/", {"days": 3}, mod_only()),
    ("unfeature", "delete", "/api/v1/moderation/reviews/{review.pk}/feature/", {}, mod_only(204)),
    ("announcements (moderators)", "get", "/api/v1/moderation/announcements/", None, mod_only()),
    ("post announcement", "post", "/api/v1/moderation/announcements/", {"title": "Hi", "pinned": False}, mod_only(201)),
    ("announcement", "get", "/api/v1/moderation/announcements/{announcement.pk}/", None, mod_only()),
    (
        "edit announcement",
        "patch",
        "/api/v1/moderation/announcements/{announcement.pk}/",
        {"title": "Hello"},
        mod_only(),
    ),
    ("picks (moderators)", "get", "/api/v1/moderation/editors-picks/{category.slug}/", None, mod_only()),
    (
        "set picks",
        "put",
        "/api/v1/moderation/editors-picks/{category.slug}/",
        {"picks": [{"review": "{review.pk}"}]},
        mod_only(),
    ),
    ("fraud flags", "get", "/api/v1/moderation/fraud-flags/", None, mod_only()),
    ("fraud flag", "get", "/api/v1/moderation/fraud-flags/{flag.pk}/", None, mod_only()),
    (
        "fraud decision",
        "post",
        "/api/v1/moderation/fraud-flags/{flag.pk}/decision/",
        {"decision": "dismiss", "reason": "x"},
        mod_only(),
    ),
    ("audit log", "get", "/api/v1/moderation/audit/", None, mod_only()),
    ("audit entry", "get", "/api/v1/moderation/audit/{entry.pk}/", None, mod_only()),
    ("audit: no create", "post", "/api/v1/moderation/audit/", {"action": "user_warn"}, mod_only(405)),
    ("audit: no edit", "patch", "/api/v1/moderation/audit/{entry.pk}/", {"reason": "rewritten"}, mod_only(405)),
    ("audit: no replace", "put", "/api/v1/moderation/audit/{entry.pk}/", {"reason": "rewritten"}, mod_only(405)),
    ("audit: no delete", "delete", "/api/v1/moderation/audit/{entry.pk}/", None, mod_only(405)),
]


def fill(value, world):
    if isinstance(value, str):
        text = value.format(**world)
        return int(text) if value.startswith("{") and text.isdigit() else text
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    return value


def client(role: str, world) -> APIClient:
    if role == "anonymous":
        return APIClient()
    return client_for(world["people"][role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, method, path, data, expected", CASES, ids=[c[0] for c in CASES])
def test_endpoint_permissions(world, role, name, method, path, data, expected):
    api = client(role, world)
    entries_before = AuditEntry.objects.count()
    response = getattr(api, method)(fill(path, world), fill(data, world), format="json")
    assert response.status_code == expected[role], (role, name, response.content)
    if role != "moderator":
        # Nobody but a moderator changes anything a moderator decides.
        assert AuditEntry.objects.count() == entries_before
        assert Review.objects.get(pk=world["review"].pk).status == "published"
    if expected[role] == 405:
        assert AuditEntry.objects.filter(pk=world["entry"].pk, reason="Be kind").exists()
