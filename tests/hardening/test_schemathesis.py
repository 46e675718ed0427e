"""Every operation of the live OpenAPI schema, fed generated (often hostile) input: no 5xx, and
every response matches the schema. Bounded: a few examples per operation, a per-example deadline.

The schema is fetched from /api/schema/ through the WSGI app, and requests go through the same
app in-process, so they see the test's database transaction. The caller is a signed-in member
who is also a moderator and a member of a verified brand, so the generated requests get past the
permission checks into the validation and services behind them.
"""

import os

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import MODERATORS_GROUP
from config.wsgi import application
from reviews import services
from tests.factories import (
    BrandFactory,
    BrandMembershipFactory,
    CategoryFactory,
    CommentFactory,
    ProductFactory,
    ReviewFactory,
    UserFactory,
)

# Enough to reach each operation's validation on every run; set HARDENING_FUZZ_EXAMPLES=200 (and
# HARDENING_FUZZ_RANDOM=1 for fresh inputs) for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("HARDENING_FUZZ_EXAMPLES", "8"))
DERANDOMIZE = os.environ.get("HARDENING_FUZZ_RANDOM", "") != "1"


# Fetched from the live app at collection (the schema view reads no rows).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def keep_test_connection(db):
    """Like Django's test client: keep the test's connection (and its transaction) open across
    requests instead of closing it at the end of each one."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    category = CategoryFactory(slug="skincare")
    brand = BrandFactory(slug="lumen", is_verified=True)
    product = ProductFactory(brand=brand, category=category, slug="lumen-cream")
    caller = UserFactory(username="fuzzer")
    caller.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    BrandMembershipFactory(brand=brand, user=caller)
    other = UserFactory(username="other")
    review = ReviewFactory(author=other, product=ProductFactory(category=category))  # another brand's
    ReviewFactory(author=other, product=product)
    ReviewFactory(author=caller, product=ProductFactory(category=category, brand=brand))
    CommentFactory(author=caller, review=review)
    services.vote_cast(user=caller, review=review, helpful=True)
    return Token.objects.create(user=caller).key


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=2000,
    derandomize=DERANDOMIZE,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
def test_api_never_errors_and_matches_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
