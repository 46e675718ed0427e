import pytest

from accounts.models import Notification
from accounts.services import notify
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_new_follower_is_notified_once(user, auth_client):
    star = UserFactory(username="star")
    auth_client.put("/api/v1/users/star/follow/")
    auth_client.put("/api/v1/users/star/follow/")
    notes = client_for(star).get("/api/v1/me/notifications/").json()["results"]
    assert len(notes) == 1
    assert notes[0]["kind"] == "new_follower" and notes[0]["data"] == {
        "follower": user.username,
        "follower_name": user.public_name,
    }
    assert notes[0]["is_read"] is False


def test_unread_count_and_mark_read(user, auth_client):
    first = notify(recipient=user, kind=Notification.Kind.OTHER, title="one")
    notify(recipient=user, kind=Notification.Kind.OTHER, title="two")
    notify(recipient=UserFactory(), kind=Notification.Kind.OTHER, title="not mine")
    assert auth_client.get("/api/v1/me/notifications/unread/").json() == {"unread_count": 2}
    response = auth_client.post("/api/v1/me/notifications/read/", {"ids": [first.pk]}, format="json")
    assert response.json() == {"unread_count": 1}
    assert auth_client.post("/api/v1/me/notifications/read/", {}, format="json").json() == {"unread_count": 0}


def test_cannot_mark_someone_elses_notifications(user, auth_client):
    theirs = notify(recipient=UserFactory(), kind=Notification.Kind.OTHER, title="x")
    auth_client.post("/api/v1/me/notifications/read/", {"ids": [theirs.pk]}, format="json")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bad_ids_are_a_400(auth_client):
    response = auth_client.post("/api/v1/me/notifications/read/", {"ids": ["x"]}, format="json")
    assert response.status_code == 400 and "ids" in response.json()


def test_notifications_need_login(api_client):
    assert api_client.get("/api/v1/me/notifications/").status_code == 401


def test_huge_ids_are_a_400_not_a_500(auth_client):
    response = auth_client.post("/api/v1/me/notifications/read/", {"ids": [843771079438695537836032]}, format="json")
    assert response.status_code == 400 and "ids" in response.json()
