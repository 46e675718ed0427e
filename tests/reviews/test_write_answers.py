"""What the write endpoints answer, as the schema documents it: the photo upload answers the
review's photos after the upload; a boolean missing from a form body is missing (not false);
DELETE on a vote, a save or a follow is a 204 with no body."""

import pytest

from accounts.models import Follow
from reviews.models import HelpfulVote, Review, Save
from tests.conftest import client_for
from tests.factories import BrandFactory, ReviewFactory, UserFactory, image_upload

pytestmark = pytest.mark.django_db


def test_photo_upload_answers_every_photo_of_the_review_after_it():
    review = ReviewFactory()
    client = client_for(review.author)
    first = client.post(f"/api/v1/reviews/{review.pk}/photos/", {"photos": [image_upload()]}, format="multipart")
    assert first.status_code == 201, first.content
    assert [photo["position"] for photo in first.json()] == [0]
    second = client.post(
        f"/api/v1/reviews/{review.pk}/photos/", {"photos": [image_upload(), image_upload()]}, format="multipart"
    )
    assert second.status_code == 201, second.content
    body = second.json()
    assert isinstance(body, list)  # a plain array, as the schema says
    assert [photo["position"] for photo in body] == [0, 1, 2]
    assert [photo["id"] for photo in body] == list(review.photos.order_by("position").values_list("id", flat=True))
    assert all(photo["image"] and photo["thumbnail"] for photo in body)


def test_photo_upload_schema_is_the_plain_array_the_body_is(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    answer = schema["paths"]["/api/v1/reviews/{id}/photos/"]["post"]["responses"]["201"]
    assert answer["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ReviewPhoto"},
    }


# --- a required boolean is required in form bodies too ---------------------------------------


def test_empty_form_vote_is_refused_and_records_nothing():
    review, voter = ReviewFactory(), UserFactory()
    response = client_for(voter).put(f"/api/v1/reviews/{review.pk}/vote/", {}, format="multipart")
    assert response.status_code == 400, response.content
    assert "helpful" in response.json()
    assert not HelpfulVote.objects.filter(review=review).exists()
    review.refresh_from_db()
    assert (review.helpful_count, review.not_helpful_count) == (0, 0)


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
@pytest.mark.parametrize(("sent", "helpful"), [("true", True), ("false", False), ("0", False)])
def test_form_vote_with_the_field_still_counts(encoding, sent, helpful):
    review, voter = ReviewFactory(), UserFactory()
    client = client_for(voter)
    url = f"/api/v1/reviews/{review.pk}/vote/"
    if encoding == "multipart":
        response = client.put(url, {"helpful": sent}, format="multipart")
    else:
        response = client.put(url, f"helpful={sent}", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.content
    assert HelpfulVote.objects.get(review=review, user=voter).helpful is helpful


def test_empty_form_urlencoded_vote_is_refused():
    review, voter = ReviewFactory(), UserFactory()
    response = client_for(voter).put(
        f"/api/v1/reviews/{review.pk}/vote/", "", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert not HelpfulVote.objects.exists()


def test_empty_form_does_not_unverify_a_brand():
    from tests.moderation.conftest import make_moderator

    brand = BrandFactory(is_verified=True)
    response = client_for(make_moderator()).post(f"/api/v1/brands/{brand.slug}/verification/", {}, format="multipart")
    assert response.status_code == 400, response.content
    assert "verified" in response.json()
    brand.refresh_from_db()
    assert brand.is_verified is True


def test_form_safe_boolean_field_reads_absence_as_absence():
    from django.http import QueryDict
    from rest_framework import serializers

    from config.fields import BooleanField

    class Input(serializers.Serializer):
        needed = BooleanField()
        optional = BooleanField(required=False)
        defaulted = BooleanField(required=False, default=True)

    empty_form = Input(data=QueryDict(""))
    assert not empty_form.is_valid()
    assert set(empty_form.errors) == {"needed"}
    form = Input(data=QueryDict("needed=false"))
    assert form.is_valid(), form.errors
    assert form.validated_data == {"needed": False, "defaulted": True}  # `optional` left out, not False
    assert Input(data={"needed": True, "optional": False}).is_valid()


# --- DELETE answers 204 with no body -----------------------------------------------------------


def test_withdrawing_a_vote_answers_204_and_withdraws_it():
    review, voter = ReviewFactory(), UserFactory()
    client = client_for(voter)
    client.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json")
    response = client.delete(f"/api/v1/reviews/{review.pk}/vote/")
    assert response.status_code == 204 and response.content == b""
    assert not HelpfulVote.objects.filter(review=review).exists()
    assert Review.objects.values_list("helpful_count", flat=True).get(pk=review.pk) == 0


def test_unsaving_answers_204_and_unsaves():
    review, reader = ReviewFactory(), UserFactory()
    client = client_for(reader)
    client.put(f"/api/v1/reviews/{review.pk}/save/")
    response = client.delete(f"/api/v1/reviews/{review.pk}/save/")
    assert response.status_code == 204 and response.content == b""
    assert not Save.objects.filter(review=review).exists()
    assert Review.objects.values_list("save_count", flat=True).get(pk=review.pk) == 0


def test_unfollowing_answers_204_and_unfollows():
    star, fan = UserFactory(), UserFactory()
    client = client_for(fan)
    client.put(f"/api/v1/users/{star.username}/follow/")
    response = client.delete(f"/api/v1/users/{star.username}/follow/")
    assert response.status_code == 204 and response.content == b""
    assert not Follow.objects.filter(follower=fan, followee=star).exists()


def test_the_schema_documents_204_for_the_three_deletes(api_client):
    paths = api_client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in ("/api/v1/reviews/{id}/vote/", "/api/v1/reviews/{id}/save/", "/api/v1/users/{username}/follow/"):
        responses = paths[path]["delete"]["responses"]
        assert "204" in responses and "200" not in responses, (path, responses)
        assert "content" not in responses["204"]
