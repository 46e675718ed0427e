"""Small tables every page shows and staff rarely change (the category menu here, moderation's
pinned announcements), kept in the Django cache (Redis: shared by every process) instead of read
per request: two ORM queries of site chrome cost a visitor's Discover ~2 ms of CPU, more than its
list of reviews (bench/RESULTS.md).

Each entry lives under a generation (config.generations). The app that owns the rows bumps it
from its receivers (`forgetting`), at once and again when the change commits (a read between the
two would otherwise keep the uncommitted rows under the new generation). With the cache
unavailable, rows are read from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

from config import generations

T = TypeVar("T")

# How long an entry lasts at most: what no receiver sees (a queryset update, a script, a change
# made while the cache was unreachable) shows within this.
ENTRY_SECONDS = 60


def _name(name: str) -> str:
    return f"site:{name}"


def entry_key(name: str) -> str:
    return generations.entry_key(_name(name))


def remembered(name: str, build: Callable[[], T]) -> T:
    """`build()`, kept in the cache under `name` while its generation is current."""
    return generations.remembered(_name(name), build, seconds=ENTRY_SECONDS)


def forget(name: str) -> None:
    """A new generation of `name` now and once the current transaction commits."""
    generations.bump(_name(name))
    transaction.on_commit(lambda: generations.bump(_name(name)))


def forgetting(name: str) -> Callable:
    """A post_save / post_delete receiver calling forget(name)."""

    def receiver(**_signal_kwargs) -> None:
        forget(name)

    return receiver
