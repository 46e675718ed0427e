"""The published OpenAPI schema: valid OpenAPI, every error an operation can answer documented,
and the values the server sends inside what the schema allows (issue 28 item 5)."""

import pytest
from django.contrib.auth.models import Group
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from accounts.models import MODERATORS_GROUP
from moderation import services as moderation
from moderation.models import QueueItem
from tests.conftest import client_for
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    """Fetched once for the module (the schema view reads no rows); each test only reads it."""
    response = APIClient().get("/api/schema/", {"format": "json"})
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


def test_views_that_check_brands_in_their_services_document_403_and_409(schema):
    paths = schema["paths"]
    assert "403" in paths["/api/v1/brand/"]["get"]["responses"]  # not a member of a brand
    assert "409" in paths["/api/v1/tester/invitations/{id}/received/"]["post"]["responses"]  # not shipped yet


def test_each_body_is_documented_in_one_media_type(schema):
    """JSON, or multipart where a file goes up: a generated client sent every JSON body as
    multipart (the last of three identical bodies it was offered)."""
    paths = schema["paths"]
    assert list(paths["/api/v1/reviews/{id}/vote/"]["put"]["requestBody"]["content"]) == ["application/json"]
    assert list(paths["/api/v1/auth/register/"]["post"]["requestBody"]["content"]) == ["application/json"]
    assert list(paths["/api/v1/reviews/{id}/photos/"]["post"]["requestBody"]["content"]) == ["multipart/form-data"]


@pytest.mark.parametrize("value", ["null", "0", "-1", "101", "1e3", "abc", ""])
def test_a_page_size_outside_the_documented_range_is_a_400(api_client, schema, value):
    """DRF fell back to the default page size for one it could not read, a 200 for input the
    schema refuses."""
    parameter = next(p for p in schema["paths"]["/api/v1/reviews/"]["get"]["parameters"] if p["name"] == "page_size")
    assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (1, 100)
    response = api_client.get("/api/v1/reviews/", {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()


@pytest.mark.parametrize("value", ["1", "100"])
def test_a_page_size_inside_the_range_is_served(api_client, value):
    ReviewFactory.create_batch(2)
    response = api_client.get("/api/v1/reviews/", {"page_size": value})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(int(value), 2)


def test_an_unknown_api_address_is_a_json_404(api_client):
    """Django's HTML page answered a path no API route matches (an id that is not a number)."""
    response = api_client.get("/api/v1/moderation/queue/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and response.json() == {"detail": "Not found."}
    assert "text/html" in api_client.get("/no-such-page/").headers["Content-Type"]  # pages keep the page


@pytest.mark.parametrize(
    "path", ["/api/v1/feed/?following=yes", "/api/v1/reviews/?ordering=password", "/api/v1/reviews/?ordering=rating,x"]
)
def test_a_query_value_outside_the_schema_is_a_400_not_ignored(api_client, path):
    """The feed read `following=yes` as "everyone" and the review list ignored an unknown
    ordering: answers to a question that was not asked."""
    response = api_client.get(path)
    assert response.status_code == 400
    assert set(response.json()) == {path.split("?")[1].split("=")[0]}


def test_documented_orderings_and_following_are_served(api_client):
    ReviewFactory.create_batch(2)
    for path in ["/api/v1/feed/?following=0", "/api/v1/reviews/?ordering=-rating", "/api/v1/reviews/?ordering=rating"]:
        assert api_client.get(path).status_code == 200, path


def test_photo_upload_documents_no_list_filters(schema):
    """The upload action listed the review list's filters as its query parameters."""
    assert "parameters" not in schema["paths"]["/api/v1/reviews/{id}/photos/"]["post"] or all(
        parameter["in"] == "path" for parameter in schema["paths"]["/api/v1/reviews/{id}/photos/"]["post"]["parameters"]
    )
