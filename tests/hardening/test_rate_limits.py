"""Abuse limits: 429 with Retry-After on the API and the web pages, stricter for new accounts,
and failing open (a warning, no refusal, no 500) when the cache is down."""

import logging
from datetime import timedelta

import pytest
from django.core.cache.backends.base import BaseCache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from reviews.models import HelpfulVote
from tests.conftest import client_for
from tests.factories import ProductFactory, ReviewFactory, UserFactory, image_upload
from tests.hardening.conftest import redis_caches


def _old_account(**kwargs) -> User:
    user = UserFactory(**kwargs)
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    return user


def _register(client, n: int):
    return client.post(
        "/api/v1/auth/register/",
        {"username": f"newcomer{n}", "email": f"newcomer{n}@example.com", "password": "a-long-Passphrase-42"},
        format="json",
    )


@pytest.mark.django_db
def test_api_sign_up_is_limited_per_client_with_retry_after(api_client, rates):
    rates(signup="2/hour")
    assert _register(api_client, 1).status_code == 201
    assert _register(api_client, 2).status_code == 201
    refused = _register(api_client, 3)
    assert refused.status_code == 429
    assert 3000 < int(refused["Retry-After"]) <= 3600
    assert not User.objects.filter(username="newcomer3").exists()
    # Another client address has its own allowance.
    assert (
        api_client.post(
            "/api/v1/auth/register/",
            {"username": "elsewhere", "email": "e@example.com", "password": "a-long-Passphrase-42"},
            format="json",
            REMOTE_ADDR="10.9.8.7",
        ).status_code
        == 201
    )


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_dodge_the_limit(api_client, rates):
    rates(login="1/minute")
    UserFactory(username="mei")
    body = {"username": "mei", "password": "wrong"}
    assert (
        api_client.post("/api/v1/auth/token/", body, format="json", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 400
    )
    again = api_client.post("/api/v1/auth/token/", body, format="json", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert again.status_code == 429
    assert int(again["Retry-After"]) <= 60


@pytest.mark.django_db
def test_new_accounts_vote_under_a_stricter_limit_than_established_ones(rates):
    rates(vote="4/minute", vote_new="2/minute")
    reviews = ReviewFactory.create_batch(5)
    newcomer, veteran = UserFactory(), _old_account()

    def votes(user) -> list[int]:
        client = client_for(user)
        return [
            client.put(f"/api/v1/reviews/{r.pk}/vote/", {"helpful": True}, format="json").status_code for r in reviews
        ]

    assert votes(newcomer) == [200, 200, 429, 429, 429]
    assert votes(veteran) == [200, 200, 200, 200, 429]
    assert HelpfulVote.objects.filter(user=newcomer).count() == 2
    assert HelpfulVote.objects.filter(user=veteran).count() == 4


@pytest.mark.django_db
def test_posting_reviews_and_uploading_photos_are_limited(rates):
    rates(review="1/hour", photo="1/hour")
    author = _old_account()
    client = client_for(author)
    first, second = ProductFactory(), ProductFactory()
    body = {"rating": 4, "title": "Fine", "body": "Does the job."}
    created = client.post("/api/v1/reviews/", {**body, "product": first.pk}, format="json")
    assert created.status_code == 201, created.content
    refused = client.post("/api/v1/reviews/", {**body, "product": second.pk}, format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    photos_url = f"/api/v1/reviews/{created.data['id']}/photos/"
    assert client.post(photos_url, {"photos": [image_upload("a.jpg")]}, format="multipart").status_code == 201
    limited = client.post(photos_url, {"photos": [image_upload("b.jpg")]}, format="multipart")
    assert limited.status_code == 429 and "Retry-After" in limited
    # Reading is never limited.
    assert client.get(f"/api/v1/reviews/{created.data['id']}/").status_code == 200


@pytest.mark.django_db
def test_web_log_in_and_sign_up_pages_are_limited(rates):
    rates(login="2/minute", signup="1/hour")
    UserFactory(username="mei")
    browser = Client()
    for _ in range(2):
        assert browser.post(reverse("login"), {"username": "mei", "password": "nope"}).status_code == 400
    refused = browser.post(reverse("login"), {"username": "mei", "password": "nope"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert b"Too many attempts" in refused.content
    assert browser.get(reverse("login")).status_code == 200  # the form itself still shows
    assert browser.post(reverse("signup"), {"username": "x"}).status_code == 400
    assert browser.post(reverse("signup"), {"username": "y"}).status_code == 429


@pytest.mark.django_db
def test_web_votes_and_writes_are_limited(rates):
    rates(vote="1/minute", review="1/hour")
    voter = _old_account()
    first, second = ReviewFactory(), ReviewFactory()
    htmx = Client(headers={"HX-Request": "true"})
    htmx.force_login(voter)
    assert htmx.post(reverse("review-vote", args=[first.pk]), {"vote": "helpful"}).status_code == 200
    refused = htmx.post(reverse("review-vote", args=[second.pk]), {"vote": "helpful"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused["Content-Type"].startswith("text/plain")
    assert not HelpfulVote.objects.filter(review=second).exists()
    htmx.post(reverse("review-create"), {"rating": "5"})  # invalid, but it counts as an attempt
    assert htmx.post(reverse("review-create"), {"rating": "5"}).status_code == 429


class BrokenCache(BaseCache):
    """A cache whose server is gone: every call raises, as django's RedisCache does."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    get = set = add = delete = get_many = set_many = incr = touch = has_key = clear = _fail


@pytest.mark.django_db
def test_limits_fail_open_when_the_cache_raises(settings, rates, caplog):
    reviews = ReviewFactory.create_batch(3)
    voter = _old_account()
    client = client_for(voter)
    rates(vote="1/minute")
    settings.CACHES = {"default": {"BACKEND": "tests.hardening.test_rate_limits.BrokenCache"}}
    with caplog.at_level(logging.WARNING, logger="config.throttling"):
        codes = [
            client.put(f"/api/v1/reviews/{r.pk}/vote/", {"helpful": True}, format="json").status_code for r in reviews
        ]
    assert codes == [200, 200, 200]
    assert HelpfulVote.objects.filter(user=voter).count() == 3
    # One line for the outage, not one per request.
    assert [r.getMessage().split(" (")[0] for r in caplog.records if r.name == "config.throttling"] == [
        "rate-limit cache unavailable"
    ]


@pytest.mark.redis
@pytest.mark.django_db
def test_limits_fail_open_when_redis_is_unreachable(settings, rates):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reviews = ReviewFactory.create_batch(2)
    client = client_for(_old_account())
    rates(vote="1/minute")
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{port}/0", "django.core.cache.backends.redis.RedisCache")
    started = timezone.now()
    codes = [
        client.put(f"/api/v1/reviews/{r.pk}/vote/", {"helpful": False}, format="json").status_code for r in reviews
    ]
    assert codes == [200, 200]
    assert (timezone.now() - started).total_seconds() < 4
