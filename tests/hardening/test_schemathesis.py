"""Every operation of the live OpenAPI schema, fed generated (often invalid) input by four callers:
a consumer, a brand member, a moderator and an anonymous visitor (issue 28 items 2 and 5).

Each response is checked as `schemathesis run --checks all` would: no 5xx, a documented status
code, a documented content type, documented headers, a body that matches its schema, invalid
input refused with a 4xx, valid input not refused with a 400 (see POSITIVE_DATA_ACCEPTED for the
one relaxation and why), and an undocumented method answered 405.

The schema is fetched from /api/schema/ through the WSGI app and requests go through the same
app in-process, so they see the test's database transaction. Generated ids and slugs rarely name
a row, so for about half of the cases the path parameters are swapped for rows the world below
holds (the caller's own review, another's comment, the brand's campaign...), which takes the
requests past the 404 into the permission checks, the validation and the services behind them.

Bounded and deterministic: EXAMPLES cases per operation and caller (derandomised), each under a
deadline. For a deeper run by hand: HARDENING_FUZZ_EXAMPLES=200 HARDENING_FUZZ_RANDOM=1.
"""

import os
import re
import zlib
from datetime import timedelta

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.parameters import ParameterLocation

from accounts import services as accounts_services
from accounts.models import MODERATORS_GROUP
from brands import services as brand_services
from config.wsgi import application
from moderation import services as moderation_services
from moderation.models import Announcement, AuditEntry, QueueItem
from ranking.models import FraudFlag
from reviews import services
from tests.conftest import shared_rows
from tests.factories import (
    BrandFactory,
    BrandMembershipFactory,
    CategoryFactory,
    ProductFactory,
    ReviewFactory,
    UserFactory,
    make_tester,
)

EXAMPLES = int(os.environ.get("HARDENING_FUZZ_EXAMPLES", "4"))
DERANDOMIZE = os.environ.get("HARDENING_FUZZ_RANDOM", "") != "1"
ROLES = ["consumer", "brand_member", "moderator", "anonymous"]

# Fetched from the live app at collection (the schema view reads no rows).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# positive_data_acceptance: schemathesis expects input that matches the schema to be accepted
# (2xx) or refused for who the caller is (401/403/404) or for the state it meets (409, 429). A
# 400 for input the schema allows is accepted here too: the schema cannot say "the window must
# close after it opens", "not your own review", "this username is taken" or "that product is not
# your brand's", and those rules are the services' (each 400 names its field).
POSITIVE_DATA_ACCEPTED = ["2xx", "400", "401", "403", "404", "409", "429"]
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(expected_statuses=POSITIVE_DATA_ACCEPTED)
# Each caller's token is the only credential sent (no generated Authorization header or session
# cookie), and a query parameter the schema does not name is not invalid input: it is ignored.
schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=True)


@schema.hook
def filter_failure(context, failure, case, response) -> bool:
    """negative_data_rejection, less one thing DRF does on purpose: a number sent for a text
    field is read as its text (`"reason": 0` is the reason "0"), and 0/1 or "true"/"false" for a
    boolean are read as the boolean. A case whose only violation is such a type is not a failure
    when accepted; a value outside its enum, range, length or format still is. Multipart bodies
    (file uploads only) follow HTML-form rules that JSON Schema cannot state, and are left out."""
    if not isinstance(failure, AcceptedNegativeData) or case.meta is None:
        return True
    if case.media_type == "multipart/form-data":
        return False  # form fields are text, and an empty one is "not given" (HTML forms send them)
    data = case.meta.phase.data
    mutations = getattr(data, "mutations", ())
    if mutations:
        return any(set(mutation.keywords) - {"type"} for mutation in mutations)
    # Coverage-phase cases name their one violation in words instead.
    return not (getattr(data, "description", None) or "").endswith("Incorrect type")


# Path templates -> which rows of the world may stand in for their parameter (keys of `world`).
REAL_ROWS = [
    (r"^/api/v1/(moderation/)?reviews/\{id\}/", "reviews"),
    (r"^/api/v1/(moderation/)?comments/\{id\}/", "comments"),
    (r"^/api/v1/brand/campaigns/\{id\}/", "campaigns"),
    (r"^/api/v1/(brand|tester)/invitations/\{id\}/", "tester_invitations"),
    (r"^/api/v1/(brand-invitations|brand/member-invitations)/\{id\}/", "member_invitations"),
    (r"^/api/v1/moderation/queue/\{id\}/", "queue_items"),
    (r"^/api/v1/moderation/announcements/\{id\}/", "announcements"),
    (r"^/api/v1/moderation/audit/\{id\}/", "audit_entries"),
    (r"^/api/v1/moderation/fraud-flags/\{id\}/", "fraud_flags"),
    (r"^/api/v1/(brand/)?products/\{slug\}/", "products"),
    (r"^/api/v1/brands/\{slug\}/", "brands"),
    (r"^/api/v1/(moderation/editors-picks|categories)/\{slug\}/", "categories"),
    (r"^/api/v1/(users|moderation/users|brand/members)/\{username\}/", "usernames"),
]


@pytest.fixture(autouse=True)
def keep_test_connection(db):
    """Like Django's test client: keep the test's connection (and its transaction) open across
    requests instead of closing it at the end of each one."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> dict:
    """The world, built once for the module: each test runs in a savepoint of its own and sees
    it exactly as built, whatever the tests before it did (tests/conftest.py's shared_rows)."""
    with shared_rows(django_db_blocker) as build:
        yield build(make_world)


@pytest.fixture
def world(module_world, db) -> dict:
    return module_world


def make_world() -> dict:
    """One of each thing an operation can name, owned by each kind of caller: returns the
    callers' tokens and, per kind of row, the values that may replace a path parameter."""
    skincare = CategoryFactory(slug="skincare")
    lumen = BrandFactory(slug="lumen", name="Lumen", is_verified=True)
    kumo = BrandFactory(slug="kumo", name="Kumo", is_verified=True)
    cream = ProductFactory(brand=lumen, category=skincare, slug="lumen-cream")
    sunscreen = ProductFactory(brand=kumo, category=skincare, slug="kumo-sunscreen")

    consumer = make_tester(category=skincare, username="mei")  # an invited tester, too
    member = BrandMembershipFactory(brand=lumen, user=UserFactory(username="lumen_pm")).user
    moderator = UserFactory(username="mod")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    author = UserFactory(username="haruto")

    own_review = ReviewFactory(author=consumer, product=sunscreen)
    on_brand = ReviewFactory(author=author, product=cream)
    elsewhere = ReviewFactory(author=author, product=sunscreen)
    # Through the service, which keeps the review's comment count (deleting one decrements it).
    own_comment = services.comment_create(author=consumer, review=on_brand, body="Same here")
    other_comment = services.comment_create(author=author, review=own_review, body="Which shade?")
    services.vote_cast(user=consumer, review=on_brand, helpful=True)
    services.save_add(user=consumer, review=elsewhere)
    accounts_services.follow_create(follower=consumer, followee=author)

    now = timezone.now()
    campaign = brand_services.campaign_create(
        member=member,
        product=cream,
        title="Winter barrier test",
        units=3,
        invite_opens_at=now - timedelta(minutes=1),
        invite_closes_at=now + timedelta(days=7),
        review_days=14,
    )
    tester_invitation = brand_services.campaign_invite(actor=member, campaign=campaign, testers=[consumer])[0]
    member_invitations = []
    if hasattr(brand_services, "brand_member_invite"):  # membership by invitation (issue 28 item 1)
        lumen.memberships.filter(user=member).update(is_owner=True)
        member_invitations.append(brand_services.brand_member_invite(actor=member, username=author.username).pk)

    moderation_services.report_create(reporter=consumer, review=elsewhere, reason="spam")
    moderation_services.report_create(reporter=author, comment=own_comment, reason="offensive")
    dismissed = QueueItem.objects.get(comment=own_comment)
    moderation_services.queue_item_dismiss(item=dismissed, moderator=moderator, reason="Fine")
    announcement = Announcement.objects.create(title="Welcome", created_by=moderator)
    flag = FraudFlag.objects.create(kind=FraudFlag.Kind.SERIAL_VOTING, key=f"serial:{consumer.pk}:{author.pk}")
    flag.accounts.add(consumer)

    return {
        "tokens": {
            "consumer": Token.objects.create(user=consumer).key,
            "brand_member": Token.objects.create(user=member).key,
            "moderator": Token.objects.create(user=moderator).key,
            "anonymous": None,
        },
        "reviews": [own_review.pk, on_brand.pk, elsewhere.pk],
        "comments": [own_comment.pk, other_comment.pk],
        "campaigns": [campaign.pk],
        "tester_invitations": [tester_invitation.pk],
        "member_invitations": member_invitations,
        "queue_items": list(QueueItem.objects.values_list("pk", flat=True)),
        "announcements": [announcement.pk],
        "audit_entries": list(AuditEntry.objects.values_list("pk", flat=True)[:2]),
        "fraud_flags": [flag.pk],
        "products": [cream.slug, sunscreen.slug],
        "brands": [lumen.slug, kumo.slug],
        "categories": [skincare.slug],
        "usernames": [consumer.username, member.username, author.username, moderator.username],
    }


def use_real_rows(case, world: dict) -> None:
    """For about half of the cases, replace generated path parameters with rows of the world,
    so that a valid case, or one whose body or query is invalid, reaches a real object.
    Deterministic: the choice is a hash of the generated case. A path parameter made invalid on
    purpose (negative mode) is left as generated."""
    if not case.path_parameters or case.meta is None:
        return
    path = case.meta.components.get(ParameterLocation.PATH)
    if path is None or path.mode != GenerationMode.POSITIVE:
        return
    mode = case.meta.generation.mode
    rows = next((world[key] for pattern, key in REAL_ROWS if re.match(pattern, case.path)), None)
    if not rows:
        return
    pick = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % (2 * len(rows))
    if pick < len(rows):
        name, generated = next(iter(case.path_parameters.items()))
        # In the generated value's type: schemathesis checks an edited case against the schema
        # again (an id documented as a string of digits must stay a string).
        case.path_parameters = {
            **case.path_parameters,
            name: str(rows[pick]) if isinstance(generated, str) else rows[pick],
        }
        assert case.meta.generation.mode == mode, case.path_parameters  # still as valid as generated


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=2000,
    derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
def test_api_never_errors_and_matches_its_schema(case, role, world):
    use_real_rows(case, world)
    token = world["tokens"][role]
    case.call_and_validate(headers={"Authorization": f"Token {token}"} if token else None)
