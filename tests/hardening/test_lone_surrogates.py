"""A lone surrogate sent to the API (`"\\ud800"` is valid JSON) is answered with a JSON 400 naming
the field, also where the error message repeats the value sent (an invalid choice), and nothing
is written."""

import json

import pytest

from moderation.models import Report
from tests.conftest import client_for
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

LONE_SURROGATE_JSON = '"x\\ud800"'  # the JSON text of a string holding U+D800 alone


def _post_raw_json(client, url: str, body: str):
    return client.generic("POST", url, body.encode("ascii"), content_type="application/json")


def test_an_invalid_choice_echoing_a_lone_surrogate_is_a_json_400_naming_the_field():
    review = ReviewFactory()
    client = client_for(UserFactory())
    body = f'{{"review": {review.pk}, "reason": {LONE_SURROGATE_JSON}}}'

    response = _post_raw_json(client, "/api/v1/reports/", body)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    detail = json.loads(response.content)  # escaped, still valid JSON
    assert list(detail) == ["reason"]
    assert "x\ud800" in detail["reason"][0]
    assert not Report.objects.exists()


def test_a_lone_surrogate_in_a_text_field_is_a_json_400_naming_the_field():
    review = ReviewFactory()
    client = client_for(UserFactory())
    body = f'{{"review": {review.pk}, "reason": "spam", "note": {LONE_SURROGATE_JSON}}}'

    response = _post_raw_json(client, "/api/v1/reports/", body)

    assert response.status_code == 400
    assert "note" in json.loads(response.content)
    assert not Report.objects.exists()


def test_ordinary_answers_keep_their_characters_unescaped():
    client = client_for(UserFactory())

    response = client.post("/api/v1/reports/", {"reason": "无效"}, format="json")

    assert response.status_code == 400
    assert "无效".encode() in response.content
