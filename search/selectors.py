"""Search: one query over reviews, products, tags and people, and suggestions as you type.

Reviews are ordered by `relevance`, text relevance combined with review quality, declared once
(RELEVANCE_SHARE below) and computed in SQL on both databases:

    relevance = quality * ((1 - RELEVANCE_SHARE) + RELEVANCE_SHARE * text)

- text: how well the review matches, in [0, 1): PostgreSQL's ts_rank(vector, query, 32) (its
  rank / (rank + 1)) or SQLite FTS5's -bm25() folded the same way, x / (1 + x); a title match
  counts TEXT_WEIGHTS["a"] against a body match's TEXT_WEIGHTS["b"];
- quality: the review's quality from the ranking (ranking_reviewscore.quality, in
  [QUALITY_FLOOR, 1]; QUALITY_FLOOR until it is ranked), copied into its search document.

Every review returned matches every word of the query (search.query), so text relevance only
orders matches: it can at most double a review's standing, while quality spans fifty times.
A short note repeating the word never outranks a well-written note readers found helpful.

Only published reviews by active accounts are returned, read from the review at query time.
A query matching more than MAX_RANKED reviews orders and counts its MAX_RANKED best by quality
(its newest for the `newest` sort): the documents are walked in that order by an index and the
walk stops there, so a word found in half of a million notes costs about what a rare one does
(`count_capped`; figures in bench/search/RESULTS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from reviews import selectors as review_selectors
from reviews.models import Brand, Category, Product, Review, ReviewPhoto, Tag

from .models import SearchDocument
from .query import Prefix, Query, parse, parse_prefix, prefix_to_fts5, prefix_to_tsquery, to_fts5, to_tsquery
from .text import MAX_TERM_LENGTH, matches

RELEVANCE_SHARE = 0.5
TEXT_WEIGHTS = {"a": 1.0, "b": 0.4}
SORTS = {
    "relevance": _("Most relevant"),
    "helpful": _("Most helpful"),
    "newest": _("Newest"),
}
# Longer input is refused (400 naming `q`): no one types a query this long.
MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
# Ordering every match costs time in proportion to the matches (a word in half of a million
# notes is half a million ranks): a query's MAX_RANKED best matching reviews by quality, filters
# applied (its newest for the `newest` sort), are the ones ordered and counted, walked in that
# order by an index (WALKS). Past it the count is shown as "MAX_RANKED+" (`count_capped`). The
# walk reads MAX_RANKED / (the word's share of the walked documents) rows, and a word can be rarer
# among the best documents than overall (Chinese notes are shorter in characters, and quality
# counts length): 1,000 read 17,000 documents for a Chinese word in 6% of the notes.
MAX_RANKED = 300
MAX_PAGE = 100
SIDE_RESULTS = {"product": 12, "tag": 8, "person": 6}
SUGGESTIONS = {"product": 5, "brand": 3, "tag": 3}
# Matches of each kind ranked for the side results (see _top_per_kind_sql), and for suggestions:
# those are the first in the label keys' order, shortest completions first, of which 5 are shown.
RANKED_PER_KIND = 200
SUGGESTIONS_RANKED_PER_KIND = 50
SNIPPET_CHARS = 160
# Highlighting reads this much of a body; a match further in shows the body's start unmarked.
HIGHLIGHT_SCAN_CHARS = 3000
SNIPPET_SCAN = 3

Kind = SearchDocument.Kind
DOCS = SearchDocument._meta.db_table
REVIEWS = Review._meta.db_table
PRODUCTS = Product._meta.db_table
PHOTOS = ReviewPhoto._meta.db_table
TAGS = Tag._meta.db_table
REVIEW_TAGS = Review.tags.through._meta.db_table
# The invited-tester link (brands app) seen from the review, without importing that app.
_TESTER = Review._meta.get_field("tester_assignment")
TESTER_LINKS, TESTER_REVIEW_COLUMN = _TESTER.related_model._meta.db_table, _TESTER.field.column


@dataclass(frozen=True)
class Filters:
    category: str = ""  # a category's slug
    min_rating: int | None = None
    has_photos: bool = False
    # True: only invited testers' reviews; False: none of them; None: all.
    invited_tester: bool | None = None
    tag: str = ""  # a tag's name: reviews carrying it


@dataclass
class SearchResult:
    query: Query
    reviews: list[Review]
    total: int
    page: int
    has_next: bool
    products: list[Product] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    people: list = field(default_factory=list)
    tag: str = ""  # the tag of a `#tag` query
    # More reviews match than were ordered and counted (MAX_RANKED).
    count_capped: bool = False


# --- the SQL of each database -------------------------------------------------------------------


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# The query of a match over names (products, brands, tags, people), as a sub-select: PostgreSQL
# plans it as a value known only when run, so it estimates its matches with a fixed share
# instead of the word frequencies of the column, which are the reviews' (most documents). From
# those a word in every review looked as common among names, and the planner walked every
# product's document by another index (or ran parallel workers) to find a few names.
UNESTIMATED_TSQUERY = "(SELECT to_tsquery('simple', %s))"


def _execute(cursor, sql: str, params: list) -> None:
    """Run a search statement. PostgreSQL gets its values written into the text (psycopg's own
    quoting, Django's compose_sql), so every query is planned for its own words and prefix: with
    the values as parameters, a statement prepared on the connection (settings:
    DATABASE_PREPARE_THRESHOLD) turned to PostgreSQL's generic plan after five runs, one plan for
    any words, which took a second for a prefix its custom plans answered in 3 ms."""
    if _postgres():
        cursor.execute(connection.ops.compose_sql(sql, params))
    else:
        cursor.execute(sql, params)


def _matches(query: Query, kinds_sql: str) -> tuple[str, list]:
    """SQL for (kind, object_id, doc_id, text) of the documents matching `query`, text in [0, 1).
    On SQLite the FTS5 table leads the join (CROSS JOIN fixes the order): led by the documents,
    SQLite ran the full-text match once per document."""
    if _postgres():
        weights = f"{{0, 0, {TEXT_WEIGHTS['b']}, {TEXT_WEIGHTS['a']}}}"
        return (
            f"SELECT d.kind, d.object_id, d.id AS doc_id, ts_rank('{weights}', d.vector, to_tsquery('simple', %s), 32) AS text "  # noqa: S608 # nosec B608 # constants
            f"FROM {DOCS} d WHERE {kinds_sql} AND d.vector @@ {UNESTIMATED_TSQUERY}",
            [to_tsquery(query)] * 2,
        )
    bm25 = f"-bm25(search_fts, {TEXT_WEIGHTS['a']}, {TEXT_WEIGHTS['b']}, 0.0)"
    return (
        f"SELECT d.kind, d.object_id, d.id AS doc_id, {bm25} / (1.0 + {bm25}) AS text FROM search_fts "  # noqa: S608 # nosec B608 # constants
        f"CROSS JOIN {DOCS} d ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND {kinds_sql}",
        [to_fts5(query)],
    )


# search_label_key (migration 0004): each word of a label as a row, for prefix ranges (PostgreSQL).
LABEL_KEYS = "search_label_key"
# Above every character: `key >= p AND key < p || KEY_END` is every key starting with p (the keys
# sort by their bytes, and UTF-8 bytes sort as code points).
KEY_END = "\U0010ffff"


def _prefix_matches(prefix: Prefix, kinds: Iterable[str]) -> tuple[str, list]:
    """SQL for (kind, object_id, text) of the names starting with `prefix`, text its rank. On
    PostgreSQL at most SUGGESTIONS_RANKED_PER_KIND of each kind (per way of matching), the first in the label keys' order, found by
    ranges of search_label_key's B-tree (a short prefix starts tens of thousands of names)."""
    if not _postgres():
        return (
            f"SELECT d.kind, d.object_id, -bm25(search_fts) AS text FROM search_fts "  # noqa: S608 # nosec B608 # constants
            f"CROSS JOIN {DOCS} d ON d.id = search_fts.rowid WHERE search_fts MATCH %s AND {_kinds(kinds)}",
            [prefix_to_fts5(prefix)],
        )
    parts, params = [], []
    for kind in kinds:
        # The whole name so far starts a key (names are also keyed whole, compacted)...
        parts.append(
            f"(SELECT '{kind}' AS kind, k.object_id FROM {LABEL_KEYS} k WHERE k.kind = '{kind}' "  # noqa: S608 # nosec B608 # constants
            f"AND k.key >= %s AND k.key < %s ORDER BY k.key LIMIT {SUGGESTIONS_RANKED_PER_KIND})"
        )
        params += [prefix.whole, prefix.whole + KEY_END]
        if len(prefix.words) > 1:  # ...or its last word starts a key of a name holding the others
            *done, last = prefix.words
            holds = " ".join(
                f"AND EXISTS (SELECT 1 FROM {LABEL_KEYS} w WHERE w.kind = k.kind AND w.object_id = k.object_id AND w.key = %s)"  # noqa: S608 # nosec B608 # constants
                for _word in done
            )
            parts.append(
                f"(SELECT '{kind}' AS kind, k.object_id FROM {LABEL_KEYS} k WHERE k.kind = '{kind}' "  # noqa: S608 # nosec B608 # constants
                f"AND k.key >= %s AND k.key < %s {holds} ORDER BY k.key LIMIT {SUGGESTIONS_RANKED_PER_KIND})"
            )
            params += [last, last + KEY_END, *done]
    sql = (
        f"SELECT d.kind, d.object_id, ts_rank(d.label_vector, to_tsquery('simple', %s)) AS text "  # noqa: S608 # nosec B608 # constants
        f"FROM ({' UNION '.join(parts)}) f JOIN {DOCS} d ON d.kind = f.kind AND d.object_id = f.object_id"
    )
    return sql, [prefix_to_tsquery(prefix), *params]


def _kinds(kinds) -> str:
    # Written out (they are constants) so PostgreSQL picks the partial index of the kind.
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    if list(kinds) == [Kind.REVIEW]:
        return f"d.kind IN ({listed})"
    return f"d.kind <> 'review' AND {_unindexed_kind()} IN ({listed})"


def _unindexed_kind() -> str:
    """The kind of a document other than a review, as PostgreSQL's planner cannot look it up in
    the (kind, object_id) index. The words' frequencies it estimates from are the reviews'
    (most documents): a word in most reviews looked common among names too, and it walked every
    product's document in that index to find a few names, checking each, instead of reading
    the full-text index's matches (the only index left to it this way)."""
    return "(d.kind || '')" if _postgres() else "d.kind"


def _top_per_kind_sql(matches: tuple[str, list], limits: dict[str, int]) -> tuple[str, list]:
    """SQL for (kind, object_id, n): the best `limits[kind]` matches of each kind, n = 1 for the
    best. On PostgreSQL only the first RANKED_PER_KIND matches of each kind (in the index's
    order) are ranked: a common word matches tens of thousands of names, and ranking them all
    cost most of the time."""
    sql, params = matches
    if _postgres():
        parts = [f"({sql} AND {_unindexed_kind()} = '{kind}' LIMIT {RANKED_PER_KIND})" for kind in limits]
        sql, params = " UNION ALL ".join(parts), params * len(parts)
    return _ranked_per_kind_sql((sql, params), limits)


def _ranked_per_kind_sql(matches: tuple[str, list], limits: dict[str, int]) -> tuple[str, list]:
    sql, params = matches
    cases = " ".join(f"WHEN '{kind}' THEN {limit}" for kind, limit in limits.items())
    ranked = (
        f"SELECT kind, object_id, ROW_NUMBER() OVER (PARTITION BY kind ORDER BY text DESC, object_id) AS n "  # noqa: S608 # nosec B608 # constants
        f"FROM ({sql}) m"
    )
    return f"SELECT kind, object_id, n FROM ({ranked}) r WHERE n <= CASE kind {cases} END", params  # noqa: S608 # nosec B608 # constants


def _review_filters(filters: Filters) -> tuple[list[str], list]:
    where, params = ["r.status = %s"], [Review.Status.PUBLISHED]
    if filters.category:
        where.append(
            f"r.product_id IN (SELECT p.id FROM {PRODUCTS} p JOIN {Category._meta.db_table} c ON c.id = p.category_id "  # noqa: S608 # nosec B608 # model table names
            "WHERE c.slug = %s)"
        )
        params.append(filters.category)
    if filters.min_rating:
        where.append("r.rating >= %s")
        params.append(filters.min_rating)
    if filters.has_photos:
        where.append(f"EXISTS (SELECT 1 FROM {PHOTOS} ph WHERE ph.review_id = r.id)")  # noqa: S608 # nosec B608 # model table
    if filters.invited_tester is not None:
        negation = "" if filters.invited_tester else "NOT "
        links = f"SELECT 1 FROM {TESTER_LINKS} t WHERE t.{TESTER_REVIEW_COLUMN} = r.id"  # noqa: S608 # nosec B608 # model table
        where.append(f"{negation}EXISTS ({links})")
    if filters.tag:
        where.append(
            f"EXISTS (SELECT 1 FROM {REVIEW_TAGS} rt JOIN {TAGS} tg ON tg.id = rt.tag_id "  # noqa: S608 # nosec B608 # model table names
            "WHERE rt.review_id = r.id AND tg.name = %s)"
        )
        params.append(filters.tag)
    return where, params


RELEVANCE_SQL = f"c.quality * ({1 - RELEVANCE_SHARE} + {RELEVANCE_SHARE} * ({{text}}))"
# The order of the results, over the candidates alone (no join): `helpful` is quality, `newest`
# the review's id (ids are given in the order reviews are written).
ORDERS = {
    "relevance": "o.relevance DESC, o.object_id DESC",
    "helpful": "o.quality DESC, o.object_id DESC",
    "newest": "o.object_id DESC",
}
# The order in which the matching documents are walked to pick the MAX_RANKED candidates; each
# is an index (search_review_quality, search_document_once) that the walk can stop early on.
WALKS = {
    "relevance": "d.quality DESC, d.object_id DESC",
    "helpful": "d.quality DESC, d.object_id DESC",
    "newest": "d.object_id DESC",
}


def _candidates(query: Query, filters: Filters, sort: str) -> tuple[str, list, str, list]:
    """SQL for the MAX_RANKED candidate documents (object_id, quality, and the text relevance's
    input), the SQL of the text relevance over them, and both's parameters. The filters that need
    the review are applied here, before the limit; visibility is checked on the candidates only
    (hidden reviews and inactive accounts are few), so without filters the walk reads documents
    alone."""
    where, params, join = ["d.kind = 'review'"], [], ""
    if filters != Filters():
        filter_where, params = _review_filters(filters)
        join = f"JOIN {REVIEWS} r ON r.id = d.object_id "
        where += filter_where
    walk = WALKS[sort]
    if not query:  # a tag alone: every review carrying it matches equally
        sql = f"SELECT d.object_id, d.quality, 0.0 AS text FROM {DOCS} d {join}WHERE {' AND '.join(where)}"  # noqa: S608 # nosec B608 # constants
        return f"{sql} ORDER BY {walk} LIMIT %s", [*params, MAX_RANKED], "c.text", []
    if _postgres():
        weights = f"{{0, 0, {TEXT_WEIGHTS['b']}, {TEXT_WEIGHTS['a']}}}"
        sql = (
            f"SELECT d.object_id, d.quality, d.vector FROM {DOCS} d {join}"  # noqa: S608 # nosec B608 # constants
            f"WHERE d.vector @@ to_tsquery('simple', %s) AND {' AND '.join(where)} ORDER BY {walk} LIMIT %s"
        )
        tsquery = to_tsquery(query)
        return (
            sql,
            [tsquery, *params, MAX_RANKED],
            f"ts_rank('{weights}', c.vector, to_tsquery('simple', %s), 32)",
            [tsquery],
        )
    bm25 = f"-bm25(search_fts, {TEXT_WEIGHTS['a']}, {TEXT_WEIGHTS['b']}, 0.0)"
    # The FTS5 table leads the join (CROSS JOIN fixes the order): led by the documents, SQLite ran
    # the full-text match once per document.
    sql = (
        f"SELECT d.object_id, d.quality, {bm25} AS text FROM search_fts CROSS JOIN {DOCS} d ON d.id = search_fts.rowid "  # noqa: S608 # nosec B608 # constants
        f"{join}WHERE search_fts MATCH %s AND {' AND '.join(where)} ORDER BY {walk} LIMIT %s"
    )
    return sql, [to_fts5(query), *params, MAX_RANKED], "c.text", []


@dataclass
class _Page:
    rows: list[tuple[int, float]]  # (review id, relevance), one row more than a page when another follows
    total: int  # visible matching reviews (MAX_RANKED when capped)
    capped: bool  # more match than were ordered and counted (MAX_RANKED)
    side: dict[str, list[int]]  # the side results' ids per kind, best first
    tag_names: dict[int, str]  # the names of the tags among them


def _review_page(query: Query, filters: Filters, sort: str, page: int, *, side_results: bool) -> _Page:
    """The page's reviews and count and, with `side_results`, the products, tags and people
    matching the query, in one statement (a round trip costs more than its work here).

    The candidates are ordered first, from their documents alone; the reviews and their authors
    are then read in that order only until the page is full (hidden reviews and inactive
    accounts are skipped there). Counting reads them for every candidate, so it is done (a second
    statement) only when the candidates are not capped and do not all fit on this page."""
    candidates, params, text_sql, text_params = _candidates(query, filters, sort)
    users = get_user_model()._meta.db_table
    # text in [0, 1): ts_rank's normalisation 32 folds it already; bm25 is folded here.
    text = text_sql if _postgres() or not query else f"{text_sql} / (1.0 + {text_sql})"
    relevance = RELEVANCE_SQL.format(text=text)
    visible = (
        f"JOIN {REVIEWS} r ON r.id = o.object_id JOIN {users} u ON u.id = r.author_id "
        "WHERE r.status = %s AND u.is_active"
    )
    ordered = (
        f"SELECT c.object_id, c.quality, {relevance} AS relevance, COUNT(*) OVER () AS candidates "  # noqa: S608 # nosec B608 # constants
        f"FROM ({candidates}) c ORDER BY {ORDERS[sort].replace('o.', '')}"
    )
    # Rows: (kind, object_id, relevance, candidates, position within its kind, a tag's name).
    sql = (
        f"SELECT * FROM (SELECT 'review' AS kind, o.object_id, o.relevance, o.candidates, "  # noqa: S608 # nosec B608 # constants
        f"ROW_NUMBER() OVER (ORDER BY {ORDERS[sort]}) AS n, NULL AS name FROM ({ordered}) o {visible} "
        f"ORDER BY {ORDERS[sort]} LIMIT %s OFFSET %s) p"
    )
    sql_params = [*text_params, *params, Review.Status.PUBLISHED, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE]
    if side_results:
        side_sql, side_params = _top_per_kind_sql(_matches(query, _kinds(SIDE_RESULTS)), SIDE_RESULTS)
        sql += (
            f" UNION ALL SELECT s.kind, s.object_id, 0.0, 0, s.n, t.name FROM ({side_sql}) s "  # noqa: S608 # nosec B608 # constants
            f"LEFT JOIN {TAGS} t ON s.kind = 'tag' AND t.id = s.object_id"
        )
        sql_params += side_params
    with connection.cursor() as cursor:
        _execute(cursor, sql, sql_params)
        found = sorted(cursor.fetchall(), key=lambda row: (row[0] != Kind.REVIEW, row[0], row[4]))
        reviews = [row for row in found if row[0] == Kind.REVIEW]
        side: dict[str, list[int]] = {kind: [] for kind in SIDE_RESULTS}
        for kind, pk, *_rest in found[len(reviews) :]:
            side[kind].append(pk)
        tag_names = {pk: name for kind, pk, *_rest, name in found if kind == Kind.TAG}
        capped = bool(reviews) and reviews[0][3] >= MAX_RANKED
        if capped:
            total = MAX_RANKED
        elif page == 1 and len(reviews) <= PAGE_SIZE:
            total = len(reviews)  # all of them are on this page
        else:
            _execute(
                cursor,
                f"SELECT COUNT(*), MAX(o.candidates) FROM (SELECT c.object_id, COUNT(*) OVER () AS candidates "  # noqa: S608 # nosec B608 # constants
                f"FROM ({candidates}) c) o {visible}",
                [*params, Review.Status.PUBLISHED],
            )
            total, most = cursor.fetchone()
            capped = (most or 0) >= MAX_RANKED
            total = MAX_RANKED if capped else total
    return _Page([(row[1], row[2]) for row in reviews], total, capped, side, tag_names)


# --- highlighting ---------------------------------------------------------------------------------


def _marks(text: str, words: frozenset[str], snippet: int | None) -> list[tuple[int, int]]:
    """Where the words are in `text` (all of it), or with `snippet` in enough of it to place the
    snippet and mark it: the first SNIPPET_SCAN snippets' worth of text when a match there leaves
    the snippet inside it (most notes match early), else HIGHLIGHT_SCAN_CHARS."""
    if not snippet:
        return matches(text, words)
    early = snippet * SNIPPET_SCAN
    marks = matches(text[:early], words)
    # A word cut at `early` may be mismarked: the snippet must end a margin before it.
    if marks and (len(text) <= early or max(0, marks[0][0] - snippet // 3) + snippet <= early - MAX_TERM_LENGTH):
        return marks
    return matches(text[:HIGHLIGHT_SCAN_CHARS], words)


def highlight(text: str, words: frozenset[str], *, snippet: int | None = None) -> SafeString:
    """`text` escaped, with the words of the query (as analysed) in <mark>. With `snippet`, only
    about that many characters around the first match (or from the start)."""
    marks = _marks(text, words, snippet)
    start, end = 0, len(text)
    if snippet and len(text) > snippet:
        first = marks[0][0] if marks else 0
        start = max(0, first - snippet // 3)
        end = min(len(text), start + snippet)
        marks = [m for m in marks if m[0] >= start and m[1] <= end]
    out, at = [], start
    for mark_start, mark_end in marks:
        out += [escape(text[at:mark_start]), "<mark>", escape(text[mark_start:mark_end]), "</mark>"]
        at = mark_end
    out.append(escape(text[at:end]))
    html = "".join(out)
    if start > 0:
        html = "…" + html
    if end < len(text):
        html += "…"
    return mark_safe(html)  # noqa: S308 # nosec B308 B703 # every piece of text above is escaped


# --- the one query --------------------------------------------------------------------------------

TAG_QUERY = re.compile(r"^#(\S+)$")


def search(
    text: str,
    *,
    filters: Filters = Filters(),  # noqa: B008 # frozen: safe to share
    sort: str = "relevance",
    page: int = 1,
    viewer=None,
) -> SearchResult:
    """Reviews matching `text` (a page of PAGE_SIZE, with `total`), and on the first page the
    products, tags and people matching it. `#tag` alone lists the reviews carrying the tag.
    Each review gets `relevance`, `highlighted_title` and `highlighted_snippet` (HTML, escaped).
    Preconditions: `sort` in SORTS, 1 <= page <= MAX_PAGE (callers validate their input)."""
    text = text.strip()
    tag = TAG_QUERY.match(text)
    if tag:
        filters = replace(filters, tag=slugify(tag.group(1), allow_unicode=True))
    query = parse(text)
    if not query and not filters.tag:
        return SearchResult(query=query, reviews=[], total=0, page=page, has_next=False, tag=filters.tag)
    found = _review_page(query, filters, sort, page, side_results=page == 1 and bool(query))
    has_next = len(found.rows) > PAGE_SIZE and page < MAX_PAGE
    rows = found.rows[:PAGE_SIZE]
    by_id = {r.pk: r for r in review_selectors.reviews_for_listing(viewer).filter(pk__in=[pk for pk, _ in rows])}
    reviews = []
    for pk, relevance in rows:
        review = by_id.get(pk)
        if review is None:  # removed between the two queries
            continue
        review.relevance = relevance
        review.highlighted_title = highlight(review.title, query.words)
        review.highlighted_snippet = highlight(review.body, query.words, snippet=SNIPPET_CHARS)
        reviews.append(review)
    result = SearchResult(
        query=query,
        reviews=reviews,
        total=found.total,
        page=page,
        has_next=has_next,
        tag=filters.tag,
        count_capped=found.capped,
    )
    if page == 1 and query:
        _side_results(result, found, filters)
    elif page == 1:
        result.tags = list(Tag.objects.filter(name=filters.tag))
    return result


def _side_results(result: SearchResult, found: _Page, filters: Filters) -> None:
    ids = found.side
    if ids["product"]:
        products = review_selectors.products_with_stats().filter(pk__in=ids["product"])
        if filters.category:
            products = products.filter(category__slug=filters.category)
        result.products = _in_order(products, ids["product"])
    result.tags = [Tag(pk=pk, name=found.tag_names[pk]) for pk in ids["tag"] if found.tag_names.get(pk)]
    if ids["person"]:
        people = get_user_model().objects.filter(pk__in=ids["person"], is_active=True).select_related("standing")
        result.people = _in_order(people, ids["person"])


def _in_order(queryset, ids: list[int]) -> list:
    by_id = {obj.pk: obj for obj in queryset}
    return [by_id[pk] for pk in ids if pk in by_id]


# --- suggestions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "product", "brand" or "tag"
    text: str  # what to show, and for a tag what to search ("#name")
    detail: str  # the product's brand; empty otherwise
    url: str


def suggest(prefix: str) -> list[Suggestion]:
    """Products, brands and #tags whose names start with `prefix` (any of their words, or the
    whole name), best match first within each kind: products, then brands, then tags. One
    statement: the matches with the names they show."""
    parsed = parse_prefix(prefix.lstrip("#"))
    if not parsed:
        return []
    top, params = _ranked_per_kind_sql(_prefix_matches(parsed, SUGGESTIONS), SUGGESTIONS)
    brands = Brand._meta.db_table
    sql = (
        "SELECT s.kind, p.slug, p.name, p.name_en, p.name_zh, b.name, b.name_en, b.name_zh, t.name "  # noqa: S608 # nosec B608 # constants
        f"FROM ({top}) s LEFT JOIN {PRODUCTS} p ON s.kind = 'product' AND p.id = s.object_id "
        f"LEFT JOIN {brands} b ON b.id = CASE s.kind WHEN 'product' THEN p.brand_id WHEN 'brand' THEN s.object_id END "
        f"LEFT JOIN {TAGS} t ON s.kind = 'tag' AND t.id = s.object_id "
        "ORDER BY CASE s.kind WHEN 'product' THEN 0 WHEN 'brand' THEN 1 ELSE 2 END, s.n"
    )
    with connection.cursor() as cursor:
        _execute(cursor, sql, params)
        rows = cursor.fetchall()
    search_url = reverse("search")
    out = []
    for kind, slug, name, name_en, name_zh, brand_name, brand_en, brand_zh, tag in rows:
        # Rows as models (no query), so the names and links follow the models' own rules.
        brand = Brand(name=brand_name or "", name_en=brand_en or "", name_zh=brand_zh or "")
        if kind == Kind.PRODUCT and name is not None:
            product = Product(slug=slug, name=name, name_en=name_en, name_zh=name_zh)
            out.append(Suggestion("product", product.display_name, brand.display_name, product.get_absolute_url()))
        elif kind == Kind.BRAND and brand_name is not None:
            out.append(Suggestion("brand", brand.display_name, "", f"{search_url}?q={_quote(brand.display_name)}"))
        elif kind == Kind.TAG and tag is not None:
            out.append(Suggestion("tag", f"#{tag}", "", f"{search_url}?q={_quote('#' + tag)}"))
    return out


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
