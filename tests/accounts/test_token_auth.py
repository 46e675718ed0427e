"""accounts.authentication.TokenAuthentication: DRF's token authentication with one statement
built once per process. The same user, the same token, the same refusals."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from accounts.authentication import TokenAuthentication
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_authenticates_its_user_with_every_field_as_the_orm_reads_it():
    user = UserFactory(suspended_until=timezone.now() + timedelta(days=2), bio="hello", last_login=timezone.now())
    token = Token.objects.create(user=user)
    found, auth = TokenAuthentication().authenticate_credentials(token.key)
    expected = Token.objects.select_related("user").get(key=token.key)
    for field in type(user)._meta.concrete_fields:
        ours, orms = getattr(found, field.attname), getattr(expected.user, field.attname)
        assert ours == orms and type(ours) is type(orms), field.attname
    assert found.is_suspended and found.is_authenticated and not found._state.adding
    assert (auth.key, auth.user_id, auth.created, auth.user) == (token.key, user.pk, expected.created, found)


def test_unknown_tokens_and_inactive_users_are_refused():
    with pytest.raises(AuthenticationFailed, match="Invalid token"):
        TokenAuthentication().authenticate_credentials("0" * 40)
    token = Token.objects.create(user=UserFactory(is_active=False))
    with pytest.raises(AuthenticationFailed, match="inactive"):
        TokenAuthentication().authenticate_credentials(token.key)


def test_the_api_uses_it_for_token_requests(api_client):
    user = UserFactory()
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get("/api/v1/me/").json()["username"] == user.username
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
