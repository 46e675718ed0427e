"""Values derived from small tables, shared by every process through the Django cache and kept
under a generation counter per name: an entry is stored with the generation it was built in and
used only while that is current; the counter and the entry are read in one round trip. The app
that owns the rows bumps the counter from its receivers; each caller says when (reviews.sitecache:
now and on commit; search.cache: on commit, building afresh meanwhile).

Counters start from the clock, so one lost to eviction or a Redis restart never comes back as a
value an entry was stored under. With the cache unavailable, a read builds from the database and
a counter reads as None (the caller must treat it as changed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)
T = TypeVar("T")


def counter_key(name: str) -> str:
    # One per database: deployments (and parallel test runs) may share a cache server.
    return f"gen:{connection.settings_dict['NAME']}:{name}"


def entry_key(name: str) -> str:
    return f"entry:{connection.settings_dict['NAME']}:{name}"


def _started(key: str) -> int | None:
    cache.add(key, time.time_ns(), timeout=settings.CACHE_GENERATION_SECONDS)
    return cache.get(key)


def current(*names: str) -> dict[str, int | None]:
    """The counter of each name, in one round trip; None for all when the cache is unavailable."""
    keys = {name: counter_key(name) for name in names}
    try:
        found = cache.get_many(list(keys.values()))
        return {name: found[key] if key in found else _started(key) for name, key in keys.items()}
    except Exception as error:  # noqa: BLE001 - the caller reads the database instead
        logger.warning("cache unavailable for generations %s: %r", names, error)
        return dict.fromkeys(names)


def remembered(name: str, build: Callable[[], T], *, seconds: int) -> T:
    """`build()`, kept under `name` while its generation is current (and `seconds` at most)."""
    try:
        found = cache.get_many([counter_key(name), entry_key(name)])
        generation = found.get(counter_key(name))
        if generation is None:
            generation = _started(counter_key(name))
    except Exception as error:  # noqa: BLE001 - read from the database instead
        logger.warning("cache unavailable for %s: %r", name, error)
        return build()
    stored = found.get(entry_key(name))
    if stored is not None and stored[0] == generation:
        return stored[1]
    value = build()
    try:
        cache.set(entry_key(name), (generation, value), timeout=seconds)
    except Exception as error:  # noqa: BLE001 - built again next time
        logger.warning("cache entry %s not stored: %r", name, error)
    return value


def bump(name: str) -> None:
    """A new generation of `name` now."""
    key = counter_key(name)
    try:
        try:
            cache.incr(key)
        except ValueError:  # no counter yet (or evicted)
            cache.set(key, time.time_ns(), timeout=settings.CACHE_GENERATION_SECONDS)
    except Exception as error:  # noqa: BLE001 - readers treat an unavailable cache as a change
        logger.warning("generation %s not bumped: %r", name, error)
