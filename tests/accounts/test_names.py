"""Usernames are stored normalised and refused when they look like an existing one (issue 28.6)."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import User
from accounts.names import TOO_SIMILAR, name_key, normalise_name
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-pass-phrase"

# Each looks like "alice" to a reader.
LOOKALIKES = [
    pytest.param("ali\u200bce", id="zero-width space"),
    pytest.param("\u202ealice", id="right-to-left override"),
    pytest.param("ａｌｉｃｅ", id="fullwidth letters"),
    pytest.param("ALICE", id="case"),
    pytest.param("alicé", id="accent"),
    pytest.param("аlice", id="cyrillic a"),  # U+0430
    pytest.param("a1ice", id="digit one for l"),
    pytest.param("\u2060alice\ufeff", id="word joiner and BOM"),
]


def register(api_client, username: str):
    return api_client.post("/api/v1/auth/register/", {"username": username, "password": PASSWORD}, format="json")


def test_the_rule_folds_what_looks_alike_and_keeps_what_differs():
    assert normalise_name("Lumière\u00a0\u200bLab ") == "Lumière Lab"
    assert normalise_name("ｍｉｎａ") == "mina"
    assert name_key("Lumière\u200bLab") == name_key("lumiere lab") == name_key("LUMIÈRE LAB")
    assert name_key("paypal") == name_key("pаypal") == name_key("раураl")  # Cyrillic а, р, у
    # Different words stay different: a kana voicing mark is not an accent, and simplified and
    # traditional Han characters are different spellings.
    assert name_key("かき") != name_key("がき")
    assert name_key("小红") != name_key("小紅")
    assert name_key("mina") != name_key("nina")
    assert normalise_name("小红​") == "小红"


@pytest.mark.parametrize("username", LOOKALIKES)
def test_api_sign_up_refuses_a_lookalike_of_an_existing_username(api_client, username):
    UserFactory(username="alice")
    response = register(api_client, username)
    assert response.status_code == 400, response.content
    assert "username" in response.json()
    assert User.objects.count() == 1


def test_api_sign_up_says_the_name_is_too_similar(api_client):
    UserFactory(username="alice")
    assert register(api_client, "аlice").json()["username"] == [TOO_SIMILAR]
    assert register(api_client, "a1ice").json()["username"] == [TOO_SIMILAR]


def test_api_sign_up_stores_the_normalised_username(api_client):
    response = register(api_client, "ｍｉ\u200bｎａ")
    assert response.status_code == 201, response.content
    assert response.json()["username"] == "mina"
    assert User.objects.get().username == "mina"


def test_api_sign_up_refuses_mixed_latin_and_cyrillic(api_client):
    response = register(api_client, "pаypal")  # Cyrillic а, nobody called paypal yet
    assert response.status_code == 400
    assert "username" in response.json()
    assert not User.objects.exists()


# Usernames keep their minimum of three characters, in any script.
@pytest.mark.parametrize("username", ["王小红", "王小紅", "李小龍", "さくら", "Пётр", "mei小红"])
def test_api_sign_up_accepts_names_in_other_scripts(api_client, username):
    response = register(api_client, username)
    assert response.status_code == 201, response.content
    assert User.objects.get().username == username


def test_simplified_and_traditional_names_are_different_people(api_client):
    assert register(api_client, "王小红").status_code == 201
    assert register(api_client, "王小紅").status_code == 201


@pytest.mark.parametrize("username", LOOKALIKES)
def test_web_sign_up_refuses_a_lookalike_of_an_existing_username(client, username):
    UserFactory(username="alice")
    response = client.post("/signup/", {"username": username, "password": "candid-reviews-42"})
    assert response.status_code == 400
    assert 'data-errors-for="username"' in response.content.decode()
    assert User.objects.count() == 1


def test_web_sign_up_accepts_a_chinese_name_and_stores_it_normalised(client):
    assert client.post("/signup/", {"username": "王小红", "password": "candid-reviews-42"}).status_code == 302
    client.logout()
    assert client.post("/signup/", {"username": "ｍｅｉ\u200b", "password": "candid-reviews-42"}).status_code == 302
    assert sorted(User.objects.values_list("username", flat=True)) == ["mei", "王小红"]


@pytest.mark.parametrize("username", LOOKALIKES)
def test_the_service_refuses_a_lookalike_too(username):
    UserFactory(username="alice")
    with pytest.raises(ValidationError) as refused:
        services.user_register(username=username, password=PASSWORD)
    assert "username" in refused.value.message_dict
    assert User.objects.count() == 1


def test_the_service_refuses_what_normalises_to_nothing_usable():
    with pytest.raises(ValidationError) as refused:
        services.user_register(username="ab\u200b\u200b", password=PASSWORD)
    assert "username" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.user_register(username="pаypal", password=PASSWORD)
    assert "username" in refused.value.message_dict


def test_every_saved_account_carries_its_key_so_the_database_refuses_a_racing_lookalike():
    alice = UserFactory(username="alice")
    assert alice.username_key == "alice"
    with pytest.raises(IntegrityError), transaction.atomic():  # whatever path writes the row
        User.objects.create(username="ALICE")


def test_accounts_that_already_collided_both_stay_and_lookalikes_of_them_are_refused(api_client):
    fill_username_keys = import_module("accounts.migrations.0004_user_username_key").fill_username_keys
    alice = UserFactory(username="alice")
    twin = UserFactory(username="bob")
    # As the table was before keys: two names that look alike.
    User.objects.filter(pk=alice.pk).update(username_key="old-1")
    User.objects.filter(pk=twin.pk).update(username="ALICE", username_key="old-2")
    fill_username_keys(django_apps, None)
    alice.refresh_from_db()
    twin.refresh_from_db()
    assert (alice.username_key, twin.username_key) == ("alice", f"alice#{twin.pk}")
    twin.display_name = "Twin"
    twin.save()  # a full save keeps the legacy key instead of colliding
    twin.refresh_from_db()
    assert twin.username_key == f"alice#{twin.pk}"
    assert register(api_client, "аlice").status_code == 400


def test_admin_refuses_a_lookalike(rf: RequestFactory):
    UserFactory(username="alice")
    admin = site._registry[User]
    form_class = admin.get_form(rf.get("/"), obj=None)
    form = form_class(
        data={"username": "аlice", "password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"}
    )
    assert not form.is_valid()
    assert "username" in form.errors


def test_login_finds_the_account_by_its_normalised_username(api_client, client):
    user = UserFactory(username="mina")
    user.set_password(PASSWORD)
    user.save()
    response = api_client.post("/api/v1/auth/token/", {"username": "ｍｉｎａ", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    assert Token.objects.get(key=response.json()["token"]).user == user
    assert client.post("/login/", {"username": "mi\u200bna", "password": PASSWORD}).status_code == 302


def test_an_account_named_before_normalisation_still_logs_in_by_its_exact_name(api_client):
    # Stored before names were normalised: the row keeps its name and logs in as it always did.
    legacy = User(username="ｌｅｇａｃｙ")
    legacy.set_password(PASSWORD)
    legacy.save()
    response = api_client.post("/api/v1/auth/token/", {"username": "ｌｅｇａｃｙ", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
