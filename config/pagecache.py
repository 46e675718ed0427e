"""The first pages of the ranked lists, cached whole in the Django cache (Redis in production).

What is cached: the discover feed (`/` and `/api/v1/discover/`), product pages (`/p/<slug>/`
and `/api/v1/products/<slug>/reviews/most-helpful/`) and category rankings (`/rankings/...`,
`/api/v1/categories/<slug>/ranking/`), first page only (no `cursor`, no `page` beyond 1), and
only for anonymous requests: no session cookie, no messages cookie, no Authorization header.
Everything per-user (signed-in header, own votes and saves) is therefore never cached; signed-in
members and deeper pages are served exactly as before.

The one per-visitor part of an anonymous page is its CSRF token: pages are rendered with a
placeholder in its place (`csrf_placeholder`, a context processor) and every response, from the
cache or not, gets the visitor's own token (and cookie) substituted on the way out.

Invalidation is by generation: every entry holds the generation number it was rendered in and
is served only while that is the current one; a change that must show starts a new generation
(the old entries are re-rendered on their next request, or expire). This module imports no app:
each app connects `invalidate_on_commit` (or `invalidate_now`, for signals sent after commit) to
its own signals in its apps.py, so the data and what invalidates it are declared together:
- ranking (ranking/signals.py): at each rerank that changed something (`rerank_committed`);
- moderation (moderation/signals.py): every moderation action and Django-admin change (each
  writes an `AuditEntry`): hidden, removed or restored reviews and comments, bans and
  suspensions, features, announcements, editor's picks, fraud decisions;
- reviews (reviews/signals.py): a review created, edited (`review_changed`), deleted, or gaining
  or losing a photo;
- accounts (accounts/signals.py): a member changing their public name or avatar, or deleted.
Vote and comment counts on cached pages may lag by at most PAGE_CACHE_SECONDS (the entries'
lifetime), or until the next rerank, which scores those votes and starts a new generation.

The card cache (reviews/cards.py) keeps its own generation, read with `read_generation`.

When the cache cannot be reached the pages are served uncached (never an error); the Redis
backend itself (config/cache.py) then skips Redis for CACHE_RETRY_SECONDS, so requests do not each
wait for a timeout.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from config.pagination import NewestFirstCursorPagination

logger = logging.getLogger(__name__)

# Letters and digits only, so HTML and JSON escaping leave it as it is.
CSRF_PLACEHOLDER = "candorcsrfplaceholder7e1f0b2c"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
RENDERING_ATTR = "_pagecache_rendering"
STATUS_HEADER = "X-Candor-Cache"  # hit | miss, for people and benchmarks (never private data)
FRAGMENT_HEADER = "X-Candor-Fragment"  # endless scroll asks for the items only (reviews.views)
IDENTITY_COOKIES = ("candor_primary",)  # config.middleware.PIN_COOKIE: reads right after a write

Allowed = dict[str, Callable[[str], bool]]


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _failed(error: Exception) -> None:
    logger.warning("page cache skipped, the cache is unavailable: %r", error)


# --- generations ---------------------------------------------------------------------------


def _generation_key() -> str:
    # One per database: deployments (and parallel test runs) may share a cache server.
    return f"pagecache:gen:{connection.settings_dict['NAME']}"


def generation() -> int:
    """The current page generation."""
    return read_generation(_generation_key())


def read_generation(key: str) -> int:
    """The generation counter under `key` (pages here, cards in reviews.cards). Starts from the
    clock, so a counter lost to eviction or a Redis restart never comes back as a number old
    entries were stored under."""
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), timeout=settings.CACHE_GENERATION_SECONDS)
        value = cache.get(key)
    return int(value)


def invalidate() -> None:
    """Start a new generation now: every cached page is re-rendered on its next request."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return
    key = _generation_key()
    try:
        try:
            cache.incr(key)
        except ValueError:  # no generation yet (or evicted)
            cache.set(key, time.time_ns(), timeout=settings.CACHE_GENERATION_SECONDS)
    except Exception as error:  # noqa: BLE001 - the entries expire on their own
        logger.warning("page cache not invalidated, the cache is unavailable: %r", error)


# --- which requests ------------------------------------------------------------------------


def is_anonymous(request: HttpRequest) -> bool:
    """True when nothing in the request can identify a member, decided without a session read."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "HTTP_AUTHORIZATION" in request.META:
        return False
    if getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in cookies:
        return False
    return not any(name in cookies for name in IDENTITY_COOKIES)


def _query_allowed(request: HttpRequest, allowed: Allowed) -> bool:
    for name, values in request.GET.lists():
        check = allowed.get(name)
        if check is None or len(values) != 1 or not check(values[0]):
            return False
    return True


def _accepts_json_only(request: HttpRequest) -> bool:
    """DRF answers these with JSON; anything naming text/* may get the browsable API."""
    accept = request.headers.get("Accept", "*/*") or "*/*"
    ranges = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return ranges <= {"*/*", "application/json"}


def _page_key(request: HttpRequest) -> str:
    raw = "|".join(
        (
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.headers.get(FRAGMENT_HEADER, ""),
            # The API has one address for both languages (config.locale): its answer's language.
            translation.get_language() or "",
        )
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:40]
    return f"pagecache:page:{connection.settings_dict['NAME']}:{digest}"


def _lookup(request: HttpRequest) -> tuple[str, int, tuple | None]:
    """(key, current generation, stored response or None), in one round trip when warm: the
    entry carries the generation it was rendered in and counts only if that is still current.
    (A page rendered before a new generation started may overwrite a fresher one; it is then
    simply rendered again.)"""
    key, generation_key = _page_key(request), _generation_key()
    found = cache.get_many([generation_key, key])
    current = found.get(generation_key)
    if current is None:
        return key, generation(), None
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return key, current, entry[1:]
    return key, current, None


# Query values the cached views accept (anything else, `cursor` included, is served uncached).
def slug(value: str) -> bool:
    return bool(re.fullmatch(r"[-\w]{1,100}", value))


def one_of(*choices: str) -> Callable[[str], bool]:
    return lambda value: value in choices


def page_size(value: str) -> bool:
    return value.isdigit() and 1 <= int(value) <= NewestFirstCursorPagination.max_page_size


# --- the decorator -------------------------------------------------------------------------


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _finish(request: HttpRequest, response: HttpResponse, status: str) -> HttpResponse:
    if _PLACEHOLDER_BYTES in response.content:
        # The visitor's own token; get_token also sets their CSRF cookie, as rendering does.
        response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    patch_vary_headers(response, ["Cookie"])
    response[STATUS_HEADER] = status
    return response


def cache_first_page(*, allowed: Allowed | None = None, api: bool = False):
    """Serve an anonymous GET of the view from the cache (see the module docstring).

    `allowed`: the query parameters the view may be cached with, each with a check of its value;
    a request with any other parameter (a `cursor`, a deeper `page`) is served uncached.
    `api`: a DRF view; cached only when it answers JSON (the browsable API renders per user).
    """
    allowed = allowed or {}

    def decorator(view):
        @wraps(view)
        def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if (
                request.method != "GET"
                or not enabled()
                or not is_anonymous(request)
                or not _query_allowed(request, allowed)
                or (api and not _accepts_json_only(request))
            ):
                return view(request, *args, **kwargs)
            try:
                key, current, stored = _lookup(request)
            except Exception as error:  # noqa: BLE001 - serve it uncached
                _failed(error)
                return view(request, *args, **kwargs)
            if stored is not None:
                status, headers, content = stored
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                return _finish(request, response, "hit")
            setattr(request, RENDERING_ATTR, True)
            try:
                response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)) and not response.is_rendered:
                    response.render()  # DRF and template responses render after the view
            finally:
                setattr(request, RENDERING_ATTR, False)
            if _storable(response):
                frozen = (current, response.status_code, list(response.items()), response.content)
                try:
                    cache.set(key, frozen, timeout=settings.PAGE_CACHE_SECONDS)
                except Exception as error:  # noqa: BLE001
                    _failed(error)
            return _finish(request, response, "miss")

        return cached_view

    return decorator


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: while a page is rendered for the cache, `csrf_token` is a placeholder
    (replaced per response by `cache_first_page`); otherwise Django's own token stays."""
    if getattr(request, RENDERING_ATTR, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


# --- receivers (generic; each app connects them to its own signals in its apps.py) -----------


def invalidate_on_commit(**_signal_kwargs) -> None:
    """A signal receiver: a new generation once the current transaction commits (at once outside
    one). Not before: a page rendered from the old rows could otherwise be stored under the new
    generation."""
    transaction.on_commit(invalidate)


def invalidate_now(**_signal_kwargs) -> None:
    """A receiver for signals sent after their transaction has committed (a rerank, a review
    change)."""
    invalidate()
