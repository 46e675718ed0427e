"""The vote limit as a sliding window, with Retry-After: the same answers from the Redis script
(one round trip, config/throttling.py) as from DRF's list in any other cache."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from accounts.models import User
from config.cache import RedisCache
from config.throttling import CandorRateThrottle
from tests.conftest import client_for
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(CandorRateThrottle, "timer", lambda self: now[0])
    return now


def _established() -> User:
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    return user


def test_votes_are_limited_in_a_sliding_window_with_retry_after(rates, clock):
    rates(vote="2/minute")
    client = client_for(_established())
    reviews = ReviewFactory.create_batch(5)

    def vote(review):
        return client.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json")

    assert vote(reviews[0]).status_code == 200
    clock[0] += 20
    assert vote(reviews[1]).status_code == 200
    clock[0] += 10
    refused = vote(reviews[2])
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 30  # the first vote leaves the window 60 s after it
    clock[0] += 31
    assert vote(reviews[2]).status_code == 200  # the first left; the second is still in
    refused = vote(reviews[3])
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 19  # the second, at 20 s
    # A refused request takes no slot: once the second vote leaves, one vote passes again.
    clock[0] += 19
    assert vote(reviews[3]).status_code == 200
    assert vote(reviews[4]).status_code == 429


@pytest.mark.redis
def test_on_redis_a_limit_check_is_one_round_trip(rates, monkeypatch):
    rates(vote="5/minute")
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    calls = []
    client_class = type(cache._cache)
    for name in ("get", "set", "add", "incr", "run_script"):
        original = getattr(client_class, name)

        def spy(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(client_class, name, spy)
    client = client_for(_established())  # before counting: sessions and tokens use no cache here
    review = ReviewFactory()
    calls.clear()
    assert client.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json").status_code == 200
    assert calls == ["run_script"]
