import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Follow
from tests.conftest import client_for
from tests.factories import CategoryFactory, FollowFactory, ReviewFactory, UserFactory, image_upload

pytestmark = pytest.mark.django_db


def test_register_returns_a_working_token(api_client):
    response = api_client.post(
        "/api/v1/auth/register/", {"username": "mina", "password": "a-long-pass-phrase", "email": "mina@example.com"}
    )
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    assert Token.objects.get(key=token).user.username == "mina"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").json()["username"] == "mina"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "x", "password": "a-long-pass-phrase"}, "username"),
        ({"username": "bad name!", "password": "a-long-pass-phrase"}, "username"),
        ({"username": "mina2", "password": "123"}, "password"),
        ({"username": "mina3", "password": "a-long-pass-phrase", "email": "not-an-email"}, "email"),
        ({"password": "a-long-pass-phrase"}, "username"),
    ],
)
def test_register_rejects_bad_input_naming_the_field(api_client, payload, field):
    response = api_client.post("/api/v1/auth/register/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_register_refuses_a_taken_username_case_insensitively(api_client):
    UserFactory(username="Mina")
    response = api_client.post("/api/v1/auth/register/", {"username": "mina", "password": "a-long-pass-phrase"})
    assert response.status_code == 400
    assert "username" in response.json()


def test_token_endpoint_checks_the_password(api_client):
    UserFactory(username="kai")
    bad = api_client.post("/api/v1/auth/token/", {"username": "kai", "password": "wrong"})
    assert bad.status_code == 400 and "password" in bad.json()
    good = api_client.post("/api/v1/auth/token/", {"username": "kai", "password": "correct-horse-battery"})
    assert good.status_code == 200 and good.json()["token"]


def test_public_profile_shows_counts(api_client):
    author = UserFactory(username="lin")
    ReviewFactory.create_batch(2, author=author, helpful_count=3)
    ReviewFactory(author=author, status="hidden", helpful_count=50)
    FollowFactory.create_batch(3, followee=author)
    FollowFactory(follower=author)
    data = api_client.get("/api/v1/users/lin/").json()
    assert data["review_count"] == 2
    assert data["helpful_received"] == 6
    assert data["followers_count"] == 3
    assert data["following_count"] == 1
    assert data["role"] == "consumer"
    assert "email" not in data


def test_unknown_profile_is_404(api_client):
    assert api_client.get("/api/v1/users/nobody/").status_code == 404


def test_follow_and_unfollow(user, auth_client):
    target = UserFactory(username="star")
    response = auth_client.put("/api/v1/users/star/follow/")
    assert response.status_code == 200 and response.json() == {"following": True, "followers_count": 1}
    # Following twice is idempotent.
    assert auth_client.put("/api/v1/users/star/follow/").json()["followers_count"] == 1
    assert auth_client.get("/api/v1/users/star/").json()["is_followed"] is True
    unfollowed = auth_client.delete("/api/v1/users/star/follow/")
    assert unfollowed.status_code == 204 and unfollowed.content == b""
    assert not Follow.objects.filter(follower=user, followee=target).exists()


def test_cannot_follow_yourself(user, auth_client):
    response = auth_client.put(f"/api/v1/users/{user.username}/follow/")
    assert response.status_code == 400
    assert "username" in response.json()


def test_anonymous_cannot_follow(api_client):
    UserFactory(username="star")
    assert api_client.put("/api/v1/users/star/follow/").status_code == 401


def test_followers_and_following_lists(api_client):
    star = UserFactory(username="star")
    fans = UserFactory.create_batch(3)
    for fan in fans:
        FollowFactory(follower=fan, followee=star)
    followers = api_client.get("/api/v1/users/star/followers/").json()["results"]
    assert {f["username"] for f in followers} == {f.username for f in fans}
    following = api_client.get(f"/api/v1/users/{fans[0].username}/following/").json()["results"]
    assert [f["username"] for f in following] == ["star"]


def test_profile_update_with_avatar_and_interests(user, auth_client):
    CategoryFactory(slug="skincare", name="Skincare")
    response = auth_client.patch(
        "/api/v1/me/",
        {
            "display_name": "Mina K",
            "bio": "Dry skin, tiny budget.",
            "interest_categories": ["skincare"],
            "avatar": image_upload(),
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["display_name"] == "Mina K"
    assert data["interest_categories"] == ["skincare"]
    assert data["avatar"]


def test_profile_update_rejects_a_fake_avatar(auth_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("a.png", b"<html>not an image</html>", content_type="image/png")
    response = auth_client.patch("/api/v1/me/", {"avatar": fake}, format="multipart")
    assert response.status_code == 400
    assert "avatar" in response.json()


def test_me_requires_login(api_client):
    assert api_client.get("/api/v1/me/").status_code == 401


def test_role_reflects_brand_membership_and_moderator_group(api_client):
    from django.contrib.auth.models import Group

    from accounts.models import MODERATORS_GROUP
    from reviews.models import BrandMembership
    from tests.factories import BrandFactory

    member = UserFactory(username="brandy")
    BrandMembership.objects.create(brand=BrandFactory(), user=member)
    mod = UserFactory(username="modo")
    mod.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    assert api_client.get("/api/v1/users/brandy/").json()["role"] == "brand_member"
    assert api_client.get("/api/v1/users/modo/").json()["role"] == "moderator"
    assert client_for(mod).get("/api/v1/me/").json()["role"] == "moderator"
