"""Small tables every page shows and staff rarely change (the categories, the pinned
announcements), kept in each process for LOCAL_CACHE_SECONDS instead of read per request.

Two queries of site chrome cost a page more than its list of reviews once both are prepared
statements (~1 ms of Python each). A change made in this process is seen at once (the receivers
below forget the entry on save and delete, and again on commit); other processes see it within
LOCAL_CACHE_SECONDS. 0 turns it off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import transaction

T = TypeVar("T")

_entries: dict[str, tuple[float, object]] = {}


def remembered(name: str, build: Callable[[], T]) -> T:
    """`build()`, kept in this process under `name` for LOCAL_CACHE_SECONDS."""
    seconds = settings.LOCAL_CACHE_SECONDS
    if seconds <= 0:
        return build()
    now = time.monotonic()
    entry = _entries.get(name)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = build()
    _entries[name] = (now + seconds, value)
    return value


def forget(name: str) -> None:
    _entries.pop(name, None)


def clear() -> None:
    _entries.clear()


def forgetting(name: str) -> Callable:
    """A post_save / post_delete receiver forgetting `name` now and once the change commits (a
    read between the two, in this process, would otherwise keep the uncommitted rows)."""

    def receiver(**_signal_kwargs) -> None:
        forget(name)
        transaction.on_commit(lambda: forget(name))

    return receiver
