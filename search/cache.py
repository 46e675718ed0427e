"""What search derives from small tables and shares between processes through the Django cache,
each under a generation counter that the receivers in search.signals bump when a change of the
rows commits:

- SYNONYMS: the analysed synonym table (search.query), stored with the generation it was built
  in and used only while that is current; never stored by a thread whose own synonym change has
  not committed. Building it analyses every entry of every group
  (bench/search/RESULTS.md: too slow to repeat for each query once the list grows). Each
  process also keeps the table it last read with its generation (search.query), so a query
  reads only the counters: the SYNONYMS counter with the dictionary's two, in one round trip.
- WORDS_ADDED / WORDS_RENAMED: jieba's dictionary of names lives in each process
  (search.dictionary); these counters tell a process that another one has added a row whose
  name holds a new word (read the rows past the last id seen) or renamed one (read all names).

The counters and entries are config.generations'. When the cache is unavailable, every read
counts as a change: the callers rebuild from the database, slower but never stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction

from config import generations

T = TypeVar("T")

SYNONYMS = "synonyms"
WORDS_ADDED = "words-added"
WORDS_RENAMED = "words-renamed"
ENTRY_SECONDS = 24 * 60 * 60


def _name(name: str) -> str:
    return f"search:{name}"


def generations_of(*names: str) -> dict[str, int | None]:
    """The current counter of each name, in one round trip; None when the cache is unavailable
    (the caller must then treat it as changed)."""
    found = generations.current(*(_name(name) for name in names))
    return {name: found[_name(name)] for name in names}


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
        generations.bump(_name(name))

    transaction.on_commit(committed)


def writing(name: str) -> bool:
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
    while that is current (config.generations)."""
    if writing(name):
        return build()
    return generations.remembered(_name(name), build, seconds=ENTRY_SECONDS)
