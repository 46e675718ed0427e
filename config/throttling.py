"""Abuse limits: sign-up, log-in, posting reviews, uploading photos and voting.

One throttle serves the API (as a DRF throttle class) and the web pages (through `rate_limited`).
Counters live in the Django cache (Redis in production, so every web process shares them).
Rates are DRF scopes in `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`; a signed-in account younger
than `THROTTLE_NEW_ACCOUNT_DAYS` uses the stricter `<scope>_new` rate when one is set.

On the Redis backend (config.cache.RedisCache) a check is one round trip: a Lua script keeps the
window of request times in a sorted set and answers allow or refuse with the oldest time in the
window (for Retry-After). Other caches (the file cache of the embedded default) use DRF's
read-then-write of a pickled list.

The limits fail open: when the cache cannot be reached the request is allowed and a warning is
logged, because refusing every vote and sign-up while Redis is down would turn a cache outage
into a site outage. After a failure the Redis backend (config/cache.py) skips Redis for
`CACHE_RETRY_SECONDS`, so requests do not each wait for a connection timeout.
"""

from __future__ import annotations

import itertools
import logging
import os
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from config.cache import RedisCache
from config.outages import OutageLog

logger = logging.getLogger(__name__)
_outage = OutageLog(logger, "rate-limit cache")

# KEYS[1]: the window; ARGV: now, duration (s), limit, a unique member. Returns {1} when the
# request is allowed (and recorded), {0, oldest time in the window} when it is refused.
_WINDOW_SCRIPT = """
local now, duration, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
if redis.call('ZCARD', KEYS[1]) >= limit then
  return {0, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(duration))
return {1}
"""
_members = itertools.count()


class CandorRateThrottle(SimpleRateThrottle):
    """A scoped throttle keyed by user (signed in) or client IP (anonymous).

    The scope comes from `view.throttle_scopes[view.action]` (viewsets) or `view.throttle_scope`
    (plain views). Only unsafe methods count: reading is never limited here.
    """

    def __init__(self, scope: str | None = None):
        # SimpleRateThrottle.__init__ reads the rate at once; the scope is only known per request.
        self.scope = scope
        self.oldest: float | None = None

    def get_rate(self) -> str | None:
        # Read per request (not DRF's import-time copy) so settings overrides take effect.
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope)

    @staticmethod
    def is_new_account(user) -> bool:
        joined = getattr(user, "date_joined", None)
        if joined is None:
            return False
        return timezone.now() - joined < timedelta(days=settings.THROTTLE_NEW_ACCOUNT_DAYS)

    def _scope_for(self, request, view) -> str | None:
        if self.scope:
            return self.scope
        scopes = getattr(view, "throttle_scopes", None)
        if scopes is not None:
            return scopes.get(getattr(view, "action", None))
        return getattr(view, "throttle_scope", None)

    def get_cache_key(self, request, view) -> str:
        user = request.user
        ident = f"user:{user.pk}" if user and user.is_authenticated else f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        base = self._scope_for(request, view)
        if not base:
            return True
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        user = getattr(request, "user", None)
        self.scope = base
        if user is not None and user.is_authenticated and f"{base}_new" in rates and self.is_new_account(user):
            self.scope = f"{base}_new"
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            cache = caches["default"]
            if isinstance(cache, RedisCache):
                allowed = self._allow_in_redis(cache, request, view)
            else:
                allowed = super().allow_request(request, view)
        except Exception as error:  # noqa: BLE001 - any cache failure: fail open, never a 500
            _outage.failed(error, "rate limits are not applied")
            return True
        _outage.answered()
        return allowed

    def _allow_in_redis(self, cache: RedisCache, request, view) -> bool:
        self.key = self.get_cache_key(request, view)
        self.now = self.timer()
        key = cache.make_and_validate_key(f"{self.key}:window")
        member = f"{self.now!r}:{os.getpid()}:{next(_members)}"
        answer = cache._cache.run_script(
            _WINDOW_SCRIPT, [key], [repr(self.now), self.duration, self.num_requests, member]
        )
        if answer[0]:
            return True
        self.oldest = float(answer[1])
        return self.throttle_failure()

    def wait(self) -> float | None:
        if self.oldest is not None:  # refused in Redis: a slot frees when the oldest request leaves
            return max(0.0, self.duration - (self.now - self.oldest))
        return super().wait()


def rate_limited(scope: str):
    """The same limit for a web view: a 429 page (plain text for htmx) with Retry-After."""

    def decorator(view):
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            throttle = CandorRateThrottle(scope)
            if throttle.allow_request(request, None):
                return view(request, *args, **kwargs)
            retry_after = max(1, int(throttle.wait() or 1))
            message = _("Too many attempts. Please try again in %(seconds)s seconds.") % {"seconds": retry_after}
            if request.htmx:
                response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
            else:
                response = render(request, "refused.html", {"message": message}, status=429)
            response["Retry-After"] = str(retry_after)
            return response

        return limited

    return decorator
