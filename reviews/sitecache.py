"""Small tables every page shows and staff rarely change (the category menu here, moderation's
pinned announcements), kept in the Django cache (Redis: shared by every process) instead of read
per request: two ORM queries of site chrome cost a visitor's Discover ~2 ms of CPU, more than its
list of reviews (bench/RESULTS.md).

Each entry is stored with the generation of its name it was built in and used only while that is
current (and ENTRY_SECONDS at most); the generation and the entry are read in one round trip.
The app that owns the rows bumps the generation from its receivers (`forgetting`), at once and
again when the change commits (a read between the two would otherwise keep the uncommitted rows
under the new generation). Generations start from the clock, so one lost to eviction or a Redis restart never
comes back as a value an entry was stored under. With the cache unavailable, rows are read from
the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How long an entry lasts at most: what no receiver sees (a queryset update, a script, a change
# made while the cache was unreachable) shows within this.
ENTRY_SECONDS = 60


def _keys(name: str) -> tuple[str, str]:
    # One per database: deployments (and parallel test runs) may share a cache server.
    base = f"site:{connection.settings_dict['NAME']}:{name}"
    return f"{base}:gen", base


def remembered(name: str, build: Callable[[], T]) -> T:
    """`build()`, kept in the cache under `name` while its generation is current."""
    generation_key, entry_key = _keys(name)
    try:
        found = cache.get_many([generation_key, entry_key])
        generation = found.get(generation_key)
        if generation is None:
            cache.add(generation_key, time.time_ns(), timeout=settings.CACHE_GENERATION_SECONDS)
            generation = cache.get(generation_key)
    except Exception as error:  # noqa: BLE001 - read from the database instead
        logger.warning("site cache unavailable: %r", error)
        return build()
    stored = found.get(entry_key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    value = build()
    try:
        cache.set(entry_key, (generation, value), timeout=ENTRY_SECONDS)
    except Exception as error:  # noqa: BLE001 - built again next time
        logger.warning("site cache entry %s not stored: %r", name, error)
    return value


def _bump(name: str) -> None:
    generation_key, _entry_key = _keys(name)
    try:
        try:
            cache.incr(generation_key)
        except ValueError:  # no generation yet (or evicted)
            cache.set(generation_key, time.time_ns(), timeout=settings.CACHE_GENERATION_SECONDS)
    except Exception as error:  # noqa: BLE001 - the entry is unused while the cache is down
        logger.warning("site cache %s not invalidated: %r", name, error)


def forget(name: str) -> None:
    """A new generation of `name` now and once the current transaction commits."""
    _bump(name)
    transaction.on_commit(lambda: _bump(name))


def forgetting(name: str) -> Callable:
    """A post_save / post_delete receiver calling forget(name)."""

    def receiver(**_signal_kwargs) -> None:
        forget(name)

    return receiver
