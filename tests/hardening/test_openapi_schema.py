"""The published OpenAPI schema: valid OpenAPI, every error an operation can answer documented,
and the values the server sends inside what the schema allows (issue 28 item 5)."""

import pytest
from django.contrib.auth.models import Group
from openapi_spec_validator import validate

from accounts.models import MODERATORS_GROUP
from moderation import services as moderation
from moderation.models import QueueItem
from tests.conftest import client_for
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def schema(api_client) -> dict:
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def test_schema_is_valid_openapi(schema):
    validate(schema)  # raises, naming the path in the schema, on the first violation


def test_no_schema_default_breaks_its_own_format(schema):
    """The register serializer's email defaulted to '', which is not an email: the schema failed
    openapi-spec-validator and generated clients sent '' as an email."""
    email = schema["components"]["schemas"]["RegisterInputRequest"]["properties"]["email"]
    assert {"type": "string", "format": "email"} in email["oneOf"]  # or blank
    assert "default" not in email


def test_every_operation_documents_its_errors(schema):
    missing = []
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        expected = {"503"}
        if "{" in path:
            expected.add("404")
        if operation.get("requestBody") or method != "GET":
            expected.add("400")
        if operation.get("requestBody"):
            expected.update({"413", "415"})
        if any(scheme for scheme in operation.get("security", []) if scheme):
            expected.add("401")
        if method != "GET":
            expected.add("403")
        if not expected <= set(responses):
            missing.append(f"{method} {path}: {sorted(expected - set(responses))}")
    assert not missing, "\n".join(missing)


def test_error_bodies_and_headers_are_described(schema):
    vote = schema["paths"]["/api/v1/reviews/{id}/vote/"]["put"]["responses"]
    assert vote["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationError"}
    assert vote["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert vote["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert vote["503"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]


def test_reads_behind_a_role_document_403_and_plain_reads_do_not(schema):
    paths = schema["paths"]
    assert "403" in paths["/api/v1/moderation/queue/"]["get"]["responses"]  # moderators only
    assert "403" not in paths["/api/v1/me/"]["get"]["responses"]  # signed in is enough
    assert "429" not in paths["/api/v1/reviews/"]["get"]["responses"]  # reads are not limited
    assert "429" in paths["/api/v1/auth/register/"]["post"]["responses"]


def test_open_queue_item_has_null_resolution_inside_the_schema(schema):
    """An open item's resolution was "", outside the documented enum."""
    moderator = UserFactory(username="mod")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    review = ReviewFactory()
    moderation.report_create(reporter=UserFactory(), review=review, reason="spam")
    item = QueueItem.objects.get(review=review)
    assert item.resolution == ""  # stored blank while open

    api = client_for(moderator)
    assert api.get(f"/api/v1/moderation/queue/{item.pk}/").json()["resolution"] is None
    field = schema["components"]["schemas"]["QueueItem"]["properties"]["resolution"]
    assert field["nullable"] is True

    moderation.queue_item_dismiss(item=item, moderator=moderator, reason="fine")
    assert api.get(f"/api/v1/moderation/queue/{item.pk}/").json()["resolution"] == "dismissed"
    enum = schema["components"]["schemas"]["ResolutionEnum"]["enum"]
    assert "dismissed" in enum and "" not in enum
