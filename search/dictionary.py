"""jieba's user dictionary: the names of products, brands, categories and tags, so that a name
is one term wherever it is written (`雅诗兰黛小棕瓶` is not cut into `雅诗兰黛 / 小 / 棕 / 瓶`).

The dictionary lives in each process (jieba's own). Each process reads every name on first use.
A process that saves a name holding a word it did not know adds it at once and bumps a
generation in the Django cache (search.cache): WORDS_ADDED for a new row, which the others
answer by reading the rows past the last id they saw; WORDS_RENAMED for a renamed one, which
they answer by reading every name again (renames are rare). `ensure_loaded()` reads both
counters in one cache round trip before a text is analysed, so no process cuts a text with a
dictionary older than the last committed name. Names without Chinese need nothing: jieba never
splits a Latin word.
"""

from __future__ import annotations

import threading

from django.db import connection

from reviews.models import Brand, Category, Product, Tag

from . import cache, text

NAMED = {"product": Product, "brand": Brand, "category": Category, "tag": Tag}
_seen: dict[str, int] = dict.fromkeys(NAMED, 0)
# The counters (WORDS_ADDED, WORDS_RENAMED) this process's dictionary is current with.
_current: dict[str, int | None] = {}
_lock = threading.Lock()


def _load(*, everything: bool) -> None:
    """Every name whose id is above the highest seen (or every name), in one query."""
    parts, params = [], []
    for kind, model in NAMED.items():
        # A catalogue row's Chinese name beside its name (reviews/names.py); tags have one name.
        names = "name || ' ' || name_zh" if kind != "tag" else "name"
        parts.append(f"SELECT %s, id, {names} FROM {model._meta.db_table} WHERE id > %s")  # noqa: S608 # nosec B608 # model table names
        params += [kind, 0 if everything else _seen[kind]]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    text.add_words(name for _kind, _id, name in rows)
    for kind, pk, _name in rows:
        _seen[kind] = max(_seen[kind], pk)


COUNTERS = (cache.WORDS_ADDED, cache.WORDS_RENAMED)


def ensure_loaded(counters: dict[str, int | None] | None = None) -> None:
    """Call before analysing a text that names products, brands, categories or tags. `counters`:
    COUNTERS as the caller just read them with others (search.query: one cache round trip)."""
    if counters is None:
        counters = cache.generations_of(*COUNTERS)
    counters = {name: counters[name] for name in COUNTERS}
    if counters == _current and None not in counters.values():
        return
    with _lock:
        renamed = not _current or counters[cache.WORDS_RENAMED] != _current.get(cache.WORDS_RENAMED)
        _load(everything=renamed)
        _current.clear()
        _current.update(counters)


def add_name(name: str, *, new_row: bool) -> None:
    """A product, brand, category or tag was saved with `name`: keep it whole here at once, and
    tell the other processes when it brought a word this one did not know."""
    if text.add_words([name]):
        cache.bump(cache.WORDS_ADDED if new_row else cache.WORDS_RENAMED)
