"""What search derives from small tables and shares between processes through the Django cache,
each under a generation counter that the receivers in search.signals bump when a change of the
rows commits:

- SYNONYMS: the analysed synonym table (search.query), stored with the generation it was built
  in and used only while that is current; never stored by a thread whose own synonym change has
  not committed. Building it analyses every entry of every group
  (bench/search/RESULTS.md: too slow to repeat for each query once the list grows).
- WORDS_ADDED / WORDS_RENAMED: jieba's dictionary of names lives in each process
  (search.dictionary); these counters tell a process that another one has added a row whose
  name holds a new word (read the rows past the last id seen) or renamed one (read all names).

Counters start from the clock, so one lost to eviction or a restart never comes back as a value
an entry was stored under. When the cache is unavailable, every read counts as a change: the
callers rebuild from the database, slower but never stale.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")

SYNONYMS = "synonyms"
WORDS_ADDED = "words-added"
WORDS_RENAMED = "words-renamed"
# Counters are read on every query; this only bounds how long an idle one is kept.
GENERATION_SECONDS = 24 * 60 * 60
ENTRY_SECONDS = 24 * 60 * 60


def key(name: str) -> str:
    # One per database: deployments (and parallel test runs) may share a cache server.
    return f"search:{name}:{connection.settings_dict['NAME']}"


def generations(*names: str) -> dict[str, int | None]:
    """The current counter of each name, in one round trip; None when the cache is unavailable
    (the caller must then treat it as changed)."""
    keys = {name: key(f"gen:{name}") for name in names}
    try:
        found = cache.get_many(list(keys.values()))
        for counter_key in keys.values():
            if counter_key not in found:
                cache.add(counter_key, time.time_ns(), timeout=GENERATION_SECONDS)
                found[counter_key] = cache.get(counter_key)
    except Exception as error:  # noqa: BLE001 - read from the database instead
        logger.warning("search cache unavailable: %r", error)
        return dict.fromkeys(names)
    return {name: found[counter_key] for name, counter_key in keys.items()}


def _bump(name: str) -> None:
    counter_key = key(f"gen:{name}")
    try:
        try:
            cache.incr(counter_key)
        except ValueError:  # no counter yet (or evicted)
            cache.set(counter_key, time.time_ns(), timeout=GENERATION_SECONDS)
    except Exception as error:  # noqa: BLE001 - nothing to do: readers treat an unavailable cache as a change
        logger.warning("search cache generation %s not bumped: %r", name, error)


_uncommitted = threading.local()


def bump(name: str) -> None:
    """A new generation of `name` once the current transaction commits. Until then this thread
    builds `name` afresh for each read and stores nothing: what it reads may be its own
    uncommitted rows, which a rollback would leave in the cache under the current generation."""
    pending = getattr(_uncommitted, "names", None)
    if pending is None:
        pending = _uncommitted.names = set()
    pending.add(name)

    def committed() -> None:
        pending.discard(name)
        _bump(name)

    transaction.on_commit(committed)


def _writing(name: str) -> bool:
    """This thread changed `name`'s rows in a transaction still open (or rolled back)."""
    pending = getattr(_uncommitted, "names", None)
    if not pending or name not in pending:
        return False
    if connection.in_atomic_block:
        return True
    pending.discard(name)  # the transaction is over: what the database shows now is committed
    return False


def remembered(name: str, build: Callable[[], T]) -> T:
    """`build()`, kept in the cache under `name` with the generation it was built in and used
    while that is current: the counter and the entry are read in one round trip."""
    if _writing(name):
        return build()
    counter_key, entry_key = key(f"gen:{name}"), key(name)
    try:
        found = cache.get_many([counter_key, entry_key])
        generation = found.get(counter_key)
        if generation is None:
            cache.add(counter_key, time.time_ns(), timeout=GENERATION_SECONDS)
            generation = cache.get(counter_key)
    except Exception as error:  # noqa: BLE001 - read from the database instead
        logger.warning("search cache unavailable: %r", error)
        return build()
    stored = found.get(entry_key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    value = build()
    try:
        cache.set(entry_key, (generation, value), timeout=ENTRY_SECONDS)
    except Exception as error:  # noqa: BLE001 - rebuilt next time
        logger.warning("search cache entry %s not stored: %r", name, error)
    return value
