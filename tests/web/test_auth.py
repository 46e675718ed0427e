"""Sign up, log in, log out and edit your profile."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services as account_services
from tests.factories import CategoryFactory, UserFactory, image_upload

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_sign_up_creates_the_account_and_signs_in(client):
    response = client.post(
        "/signup/", {"username": "sofia", "display_name": "Sofia R.", "email": "", "password": "candid-reviews-42"}
    )
    assert response.status_code == 302
    # The interests step of For You comes next (skippable).
    assert response["Location"] == "/for-you/interests/"
    user = User.objects.get(username="sofia")
    assert user.display_name == "Sofia R."
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_returns_to_where_you_were(client):
    response = client.post("/signup/", {"username": "sofia", "password": "candid-reviews-42", "next": "/write/"})
    assert response["Location"] == "/write/"


def test_sign_up_errors_name_the_field_and_keep_what_was_typed(client):
    UserFactory(username="taken")
    response = client.post("/signup/", {"username": "Taken", "display_name": "Me", "password": "candid-reviews-42"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-errors-for="username"><p>This username is taken.' in page
    assert 'value="Me"' in page
    weak = client.post("/signup/", {"username": "newbie", "password": "12345678"}).content.decode()
    assert 'data-errors-for="password"><p>This password is too common.' in weak
    assert 'value="newbie"' in weak
    bad = client.post("/signup/", {"username": "no spaces", "password": "candid-reviews-42"}).content.decode()
    assert 'data-errors-for="username"><p>Use only letters, digits' in bad
    assert User.objects.count() == 1


def test_log_in_and_log_out(client):
    UserFactory(username="mei")
    wrong = client.post("/login/", {"username": "mei", "password": "nope"})
    assert wrong.status_code == 400
    assert "Please enter a correct username and password" in wrong.content.decode()
    right = client.post("/login/", {"username": "mei", "password": "correct-horse-battery", "next": "/search/"})
    assert right.status_code == 302
    assert right["Location"] == "/search/"
    assert client.get("/logout/").status_code == 405  # logging out takes a POST
    out = client.post("/logout/")
    assert out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_profile_edit_saves_name_bio_interests_and_avatar(web, member):
    category = CategoryFactory(name="Skincare", slug="skincare")
    response = web.post(
        "/settings/profile/",
        {
            "display_name": "Mei L.",
            "bio": "Combination skin.",
            "interest_categories": [category.pk],
            "avatar": image_upload("me.png", fmt="PNG"),
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Mei L.", "Combination skin.")
    assert list(member.interest_categories.all()) == [category]
    assert member.avatar.name.endswith(".jpg")  # re-encoded, metadata stripped
    page = web.get(f"/u/{member.username}/").content.decode()
    assert member.avatar.url in page
    assert "Skincare" in page


def test_profile_edit_refuses_a_bad_avatar_naming_it(web, member):
    fake = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
    response = web.post("/settings/profile/", {"display_name": "Kept", "avatar": fake})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-errors-for="avatar"><p>This file is not a valid JPEG, PNG or WebP image' in page
    assert 'value="Kept"' in page
    member.refresh_from_db()
    assert member.display_name == "Mei Lin"


def test_notifications_are_listed_counted_and_marked_read(web, member):
    follower = UserFactory(display_name="Kenji")
    account_services.follow_create(follower=follower, followee=member)
    page = web.get("/").content.decode()
    assert 'aria-label="Notifications, 1 unread"' in page
    inbox = web.get("/notifications/").content.decode()
    assert "Kenji started following you" in inbox
    assert "is-unread" in inbox
    response = web.post("/notifications/read/")
    assert response.status_code == 302
    assert "is-unread" not in web.get("/notifications/").content.decode()
    assert 'aria-label="Notifications"' in web.get("/").content.decode()


def test_notifications_need_an_account(client):
    assert client.get("/notifications/").status_code == 302
