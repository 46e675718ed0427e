"""Writes to the search index. Each function runs in the caller's transaction (the receivers in
search.signals call them from the write that changed the row), so the index never shows a
state the database does not.

What a document holds, per kind (terms from search.text; `a` counts most, `label` is for name
suggestions):

- review:  a = title, product and brand names, tags;  b = body
- product: a = brand and product names;  b = description;  label = the names
- brand:   a = name;  b = description;  label = the name
- tag:     a = the tag's words;  label = the tag
- person:  a = username and display name;  b = bio

A product's and a brand's names are all of them: `name` and its English and Chinese names
(reviews/names.py), so a query in either language finds them and their reviews.

Whether a review is published, and everything filtered or sorted on, is read from the review
itself at query time (search.selectors): hiding a review needs no index write.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from ranking.models import ReviewScore
from ranking.scoring import QUALITY_FLOOR
from reviews.models import Brand, Product, Review, Tag

from . import dictionary
from .models import SearchDocument
from .text import compact, has_han, terms

Kind = SearchDocument.Kind
BATCH = 1000


def _joined(*texts: str, stem: bool = True) -> str:
    return " ".join(_analysed(text, stem) for text in texts if text)


@functools.lru_cache(maxsize=256)
def _analysed(text: str, stem: bool) -> str:
    # Names repeat: a product's and brand's are in each of its reviews' documents.
    return " ".join(terms(text, stem=stem))


def _label(*names: str) -> str:
    """Unstemmed words of the names, then each name whole and all of them whole (compact), so a
    prefix finds a name by any of its words or by its start."""
    keys = [compact(" ".join(names)), *(compact(name) for name in names)]
    return " ".join([_joined(*names, stem=False), *dict.fromkeys(key for key in keys if key)])


def _names(*names: str) -> str:
    """A row's names (`name`, `name_en`, `name_zh`) as one text, each once."""
    return " ".join(dict.fromkeys(name for name in names if name))


def _pair_label(brand: tuple[str, str, str], product: tuple[str, str, str]) -> str:
    """_label of the brand and product names as written in each language (name, en, zh), each
    word once: `光萃实验室修护` finds a product by its Chinese names as `lumiere lab bar` by its
    English ones."""
    pairs = dict.fromkeys((b or brand[0], p or product[0]) for b, p in zip(brand, product, strict=True))
    labels = [_label(b, p) for b, p in pairs]
    return labels[0] if len(labels) == 1 else " ".join(dict.fromkeys(" ".join(labels).split()))


def _tag_words(name: str) -> str:
    return name.replace("-", " ").replace("_", " ")


def _upsert(docs: list[SearchDocument]) -> None:
    if docs:
        SearchDocument.objects.bulk_create(
            docs,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=["terms_a", "terms_b", "label", "quality"],
        )


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(set(ids))
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _review_document(pk: int, title: str, body: str, product: str, brand: str, tags, quality) -> SearchDocument:
    return SearchDocument(
        kind=Kind.REVIEW,
        object_id=pk,
        terms_a=_joined(title, product, brand, *tags),
        terms_b=_joined(body),
        quality=QUALITY_FLOOR if quality is None else quality,
    )


def index_new_review(review: Review) -> None:
    """The document of a review just inserted (no tags, no score yet), in one statement: its
    title and body analysed here, its product's and brand's names copied as analysed from the
    product's own document. Its tags arrive through review_tags_added. jieba's dictionary
    matters only to Chinese text: a note without any is analysed without asking whether it is
    current (a cache round trip)."""
    if has_han(review.title) or has_han(review.body):
        dictionary.ensure_loaded()
    docs = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {docs} (kind, object_id, terms_a, terms_b, label, quality) "  # noqa: S608 # nosec B608 # model table
            f"SELECT %s, %s, TRIM(%s || ' ' || p.terms_a), %s, '', %s FROM {docs} p "
            "WHERE p.kind = %s AND p.object_id = %s "
            "ON CONFLICT (kind, object_id) DO UPDATE SET terms_a = EXCLUDED.terms_a, terms_b = EXCLUDED.terms_b",
            [
                Kind.REVIEW,
                review.pk,
                _joined(review.title),
                _joined(review.body),
                QUALITY_FLOOR,
                Kind.PRODUCT,
                review.product_id,
            ],
        )
        if cursor.rowcount:
            return
    index_reviews([review.pk])  # the product has no document (loaded without signals)


# Tags this process has seen with a committed document (PostgreSQL only: SQLite may give a
# deleted or rolled-back row's id to a new tag). Added on commit, dropped when the tag is deleted.
_tags_with_documents: set[int] = set()


def review_tags_added(review_id: int, tag_ids: Iterable[int]) -> None:
    """Tags were linked to a review. The link's trigger (migration 0005) has appended the words of
    each tag that has a document, in the link's own statement; a tag known here to have one
    needs nothing more, so the usual write (a tag written once, then reused) makes no statement
    of its own. The others are looked up: those without a document (their first use) get one
    (their names join jieba's dictionary first), and their words are appended; the whole review
    document is rewritten when it has none yet."""
    unknown = sorted(set(tag_ids) - _tags_with_documents)
    if not unknown:
        return
    tags = tags_with_documents(unknown)
    new = [(pk, name) for pk, name, indexed in tags if not indexed]
    for _pk, name in new:
        dictionary.add_name(name, new_row=True)
    index_new_tags(new)
    if new and not _append_tag_words(review_id, [pk for pk, _name in new]):
        index_reviews([review_id])
    if connection.vendor == "postgresql":
        transaction.on_commit(lambda: _tags_with_documents.update(pk for pk, _name, _indexed in tags))


def tag_unindexed(tag_id: int) -> None:
    _tags_with_documents.discard(tag_id)


def _append_tag_words(review_id: int, tag_ids: list[int]) -> bool:
    """Append the tags' document words to the review's document, if it has one and every tag has
    a document (False, nothing written, otherwise)."""
    docs = SearchDocument._meta.db_table
    concat = "string_agg(t.terms_a, ' ')" if connection.vendor == "postgresql" else "group_concat(t.terms_a, ' ')"
    tags = f"FROM {docs} t WHERE t.kind = %s AND t.object_id IN ({', '.join(['%s'] * len(tag_ids))})"  # noqa: S608 # nosec B608 # model table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {docs} SET terms_a = TRIM(terms_a || ' ' || (SELECT {concat} {tags})) "  # noqa: S608 # nosec B608 # constants
            f"WHERE kind = %s AND object_id = %s AND (SELECT COUNT(*) {tags}) = %s",
            [Kind.TAG, *tag_ids, Kind.REVIEW, review_id, Kind.TAG, *tag_ids, len(tag_ids)],
        )
        return cursor.rowcount == 1


def index_reviews(review_ids: Iterable[int]) -> None:
    """(Re)write the documents of these reviews (any status: the query filters on it), with
    their quality from the ranking."""
    dictionary.ensure_loaded()
    for batch in _batches(review_ids):
        rows = list(
            Review.objects.filter(pk__in=batch).values_list(
                "pk",
                "title",
                "body",
                "product__name",
                "product__name_en",
                "product__name_zh",
                "product__brand__name",
                "product__brand__name_en",
                "product__brand__name_zh",
                "score__quality",
            )
        )
        tags: dict[int, list[str]] = defaultdict(list)
        for review_id, tag in Review.tags.through.objects.filter(review_id__in=batch).values_list(
            "review_id", "tag__name"
        ):
            tags[review_id].append(_tag_words(tag))
        _upsert(
            [
                _review_document(pk, title, body, _names(*names[:3]), _names(*names[3:]), tags[pk], quality)
                for pk, title, body, *names, quality in rows
            ]
        )


def index_products(product_ids: Iterable[int], *, with_reviews: bool = False) -> None:
    """(Re)write these products' documents; with `with_reviews`, also their reviews' (which
    carry the product's and brand's names) when those names changed."""
    dictionary.ensure_loaded()
    for batch in _batches(product_ids):
        docs = [
            SearchDocument(
                kind=Kind.PRODUCT,
                object_id=pk,
                terms_a=_joined(_names(*names[3:]), _names(*names[:3])),
                terms_b=_joined(description),
                label=_pair_label(tuple(names[3:]), tuple(names[:3])),
            )
            for pk, *names, description in Product.objects.filter(pk__in=batch).values_list(
                "pk", "name", "name_en", "name_zh", "brand__name", "brand__name_en", "brand__name_zh", "description"
            )
        ]
        renamed = []
        if with_reviews:
            before = dict(
                SearchDocument.objects.filter(kind=Kind.PRODUCT, object_id__in=batch).values_list(
                    "object_id", "terms_a"
                )
            )
            renamed = [
                doc.object_id for doc in docs if doc.object_id in before and before[doc.object_id] != doc.terms_a
            ]
        _upsert(docs)
        for review_batch in _batches(Review.objects.filter(product_id__in=renamed).values_list("pk", flat=True)):
            index_reviews(review_batch)


def index_brands(brand_ids: Iterable[int], *, with_products: bool = False) -> None:
    """(Re)write these brands' documents; with `with_products`, also their products' (and so
    their reviews') when the name changed."""
    dictionary.ensure_loaded()
    for batch in _batches(brand_ids):
        # (id, its names that are set: name, English, Chinese; description)
        rows = [
            (pk, [name for name in names if name], description)
            for pk, *names, description in Brand.objects.filter(pk__in=batch).values_list(
                "pk", "name", "name_en", "name_zh", "description"
            )
        ]
        renamed = []
        if with_products:
            before = dict(
                SearchDocument.objects.filter(kind=Kind.BRAND, object_id__in=batch).values_list("object_id", "terms_a")
            )
            renamed = [pk for pk, names, _d in rows if pk in before and before[pk] != _joined(_names(*names))]
        _upsert(
            [
                SearchDocument(
                    kind=Kind.BRAND,
                    object_id=pk,
                    terms_a=_joined(_names(*names)),
                    terms_b=_joined(description),
                    label=_label(*dict.fromkeys(names)),
                )
                for pk, names, description in rows
            ]
        )
        if renamed:
            index_products(Product.objects.filter(brand_id__in=renamed).values_list("pk", flat=True), with_reviews=True)


def _tag_document(pk: int, name: str) -> SearchDocument:
    return SearchDocument(kind=Kind.TAG, object_id=pk, terms_a=_joined(_tag_words(name)), label=_label(name))


def index_tags(tag_ids: Iterable[int], *, with_reviews: bool = False) -> None:
    """(Re)write these tags' documents; with `with_reviews`, also the documents of the reviews
    carrying a tag whose name changed."""
    dictionary.ensure_loaded()
    for batch in _batches(tag_ids):
        docs = [_tag_document(pk, name) for pk, name in Tag.objects.filter(pk__in=batch).values_list("pk", "name")]
        renamed = []
        if with_reviews:
            before = dict(
                SearchDocument.objects.filter(kind=Kind.TAG, object_id__in=batch).values_list("object_id", "label")
            )
            renamed = [doc.object_id for doc in docs if doc.object_id in before and before[doc.object_id] != doc.label]
        _upsert(docs)
        if renamed:
            index_reviews(Review.tags.through.objects.filter(tag_id__in=renamed).values_list("review_id", flat=True))


def tags_with_documents(tag_ids: Iterable[int]) -> list[tuple[int, str, bool]]:
    """(id, name, has a document) of these tags, in one statement."""
    docs, tags = SearchDocument._meta.db_table, Tag._meta.db_table
    ids = list(tag_ids)
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.name, d.id IS NOT NULL FROM {tags} t LEFT JOIN {docs} d "  # noqa: S608 # nosec B608 # model tables
            f"ON d.kind = %s AND d.object_id = t.id WHERE t.id IN ({', '.join(['%s'] * len(ids))})",
            [Kind.TAG, *ids],
        )
        return [(pk, name, bool(indexed)) for pk, name, indexed in cursor.fetchall()]


def index_new_tags(tags: Iterable[tuple[int, str]]) -> None:
    """Documents for these (id, name) tags where they have none. A tag's name does not change
    when it is put on a review: a tag's document is rewritten only when the tag is saved."""
    documents = [_tag_document(pk, name) for pk, name in tags]
    if documents:
        SearchDocument.objects.bulk_create(documents, ignore_conflicts=True)


def index_people(user_ids: Iterable[int]) -> None:
    for batch in _batches(user_ids):
        _upsert(
            [
                SearchDocument(
                    kind=Kind.PERSON, object_id=pk, terms_a=_joined(username, display_name), terms_b=_joined(bio)
                )
                for pk, username, display_name, bio in get_user_model()
                .objects.filter(pk__in=batch)
                .values_list("pk", "username", "display_name", "bio")
            ]
        )


def unindex(kind: str, object_ids: Iterable[int]) -> None:
    SearchDocument.objects.filter(kind=kind, object_id__in=list(object_ids)).delete()


def quality_refresh(*, since=None) -> int:
    """Copy each review's quality from the ranking into its document where it differs, for the
    scores updated at or after `since` (all when None). One statement; returns the documents
    rewritten. Run after each rerank that changed scores (search.signals)."""
    scores = ReviewScore._meta.db_table
    docs = SearchDocument._meta.db_table
    changed, params = f"SELECT review_id, quality FROM {scores}", []  # noqa: S608 # nosec B608 # model table
    if since is not None:
        changed, params = f"{changed} WHERE updated_at >= %s", [connection.ops.adapt_datetimefield_value(since)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {docs} SET quality = c.quality FROM ({changed}) c "  # noqa: S608 # nosec B608 # model tables
            f"WHERE {docs}.kind = 'review' AND {docs}.object_id = c.review_id AND {docs}.quality <> c.quality",
            params,
        )
        return cursor.rowcount


INDEXERS = {
    Kind.BRAND: (Brand, index_brands),
    Kind.PRODUCT: (Product, index_products),
    Kind.TAG: (Tag, index_tags),
    Kind.PERSON: (None, index_people),
    Kind.REVIEW: (Review, index_reviews),
}


def _unindexed(kind: str, model, *, batch: int) -> Iterator[list[int]]:
    """Batches of the ids of `model`'s rows that have no document, by key range."""
    docs = SearchDocument._meta.db_table
    table = model._meta.db_table
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id FROM {table} t WHERE t.id > %s AND NOT EXISTS "  # noqa: S608 # nosec B608 # model tables
                f"(SELECT 1 FROM {docs} d WHERE d.kind = %s AND d.object_id = t.id) ORDER BY t.id LIMIT %s",
                [last, kind, batch],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        if not ids:
            return
        yield ids
        last = ids[-1]


def index_missing(*, batch: int = BATCH, progress=None) -> dict[str, int]:
    """Write the documents of every row that has none (an existing database's first migrate
    with search, rows loaded without signals), in batches by key range, one transaction each.
    Returns the count per kind. On a complete index this costs one anti-join per kind."""
    counts = {}
    for kind, (model, indexer) in INDEXERS.items():
        count = 0
        for ids in _unindexed(kind, model or get_user_model(), batch=batch):
            with transaction.atomic():
                indexer(ids)
            count += len(ids)
            if progress:
                progress(kind, count)
        counts[str(kind)] = count
    return counts


def reindex_all(*, batch: int = BATCH, progress=None) -> dict[str, int]:
    """Rebuild the whole index: every document rewritten from its row, in batches by key range
    (one transaction each), then documents whose row is gone deleted. Safe to run while the site
    is up: each batch is as current as the rows it read. Returns the count per kind."""
    counts = {}
    for kind, (model, indexer) in INDEXERS.items():
        model = model or get_user_model()
        last, count = 0, 0
        while True:
            ids = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            with transaction.atomic():
                indexer(ids)
            last, count = ids[-1], count + len(ids)
            if progress:
                progress(kind, count)
        stale = SearchDocument.objects.filter(kind=kind).exclude(object_id__in=model.objects.values("pk"))
        stale.delete()
        counts[str(kind)] = count
    return counts
