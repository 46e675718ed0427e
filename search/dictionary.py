"""jieba's user dictionary: the names of products, brands, categories and tags, so that a name
is one term wherever it is written (`雅诗兰黛小棕瓶` is not cut into `雅诗兰黛 / 小 / 棕 / 瓶`).

Each process loads every name on first use; later, names added in this process arrive through
the receivers (search.signals) at once, and names added by other processes are read, by id,
at most once per LOCAL_CACHE_SECONDS (config.localcache). A text is analysed with the names
known when it is indexed: a review can only be written about a product that already exists, so
its own product's names are always known; `search_reindex` re-cuts everything after a rename.
"""

from __future__ import annotations

import threading

from django.db import connection

from config import localcache
from reviews.models import Brand, Category, Product, Tag

from . import text

NAMED = {"product": Product, "brand": Brand, "category": Category, "tag": Tag}
_seen: dict[str, int] = dict.fromkeys(NAMED, 0)
_lock = threading.Lock()


def _load_new() -> bool:
    """Every name whose id is above the highest seen, in one query."""
    with _lock:
        parts, params = [], []
        for kind, model in NAMED.items():
            parts.append(f"SELECT %s, id, name FROM {model._meta.db_table} WHERE id > %s")  # noqa: S608 # nosec B608 # model table names
            params += [kind, _seen[kind]]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
        text.add_words(name for _kind, _id, name in rows)
        for kind, pk, _name in rows:
            _seen[kind] = max(_seen[kind], pk)
    return True


def ensure_loaded() -> None:
    """Call before analysing a text that names products, brands, categories or tags."""
    localcache.remembered("search-dictionary", _load_new)


def add_name(name: str) -> None:
    text.add_words([name])
