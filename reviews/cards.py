"""The card cache: each review's reader-independent HTML fragments (the discover card, the top of a
product-page row, a visitor's vote and save links) and its API dict, kept in the Django cache
(Redis in production) and fetched for a whole page with one round trip.

This is not a page cache: every request still runs the list's queries (order, filters, the
viewer's own votes and saves) and draws the page around the cards; only the per-review markup
and serialization are reused. Pages that do not ask for it (`attach`) render cards as before.

A fragment is stored under a key made of what it shows, so an edit never needs to find it:
- the review's id, `changed_at` (set by the database on every change of the review's row, its
  photos, its tags or its product's name, slug, brand or category, whoever writes:
  Review.CHANGED_BY in reviews/models.py) and its counters, rating, status and edit time;
- the author's username, display name, avatar and level, the review's tester disclosure, and
  (for the API) its ranking scores, all read with the review in the list's own query;
- `extra`: what else the rendering depends on (today's date for "today"/"yesterday", the host
  for the API's absolute URLs);
- CARD_FORMAT, bumped when a card template or the serialized fields change (a deploy with
  another format reads none of the old entries).
What a card shows but its key cannot see (a brand's name, a category's slug, a moderation
action) starts a new card generation (`invalidate`, connected by the app that owns such rows, in
its signals or receivers): every entry carries the generation it was stored in and counts only
while that is the current one (read in the same round trip). Unlike the key, a generation can
race: such a change committing between another request's list query and its cache read may leave
that card stale until its review next changes (or CARD_CACHE_SECONDS); a change in the key
cannot.

Viewer-specific parts are never in an entry: the API's `viewer_vote` and `viewer_saved` are set
on a copy for each request, and signed-in readers' vote and save forms (with their CSRF token)
are drawn for them outside the cached fragment.

Each process also keeps the HTML fragments it read or drew lately (CARD_LOCAL_ENTRIES): a page
whose cards it has seen fetches only the current generation from Redis.

With the cache unreachable (config/cache.py skips a failed Redis for a while) cards are rendered
as before; a failed store is only logged.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config import pagecache
from reviews.models import Product, Review, ReviewPhoto

logger = logging.getLogger(__name__)

# Bump when a fragment template or ReviewSerializer's fields change shape.
CARD_FORMAT = 8  # 8: names in the reader's language (display_name), in the HTML and the API

# kind -> template drawn for one review with nothing but {"review": review} in its context.
TEMPLATES = {
    "card": "reviews/partials/card_body.html",
    "row_top": "reviews/partials/review_row_top.html",
    # A visitor's vote and save buttons are log-in links: the same for every visitor (signed-in
    # readers get the same template drawn with their own context: candor.review_row).
    "row_actions_visitor": "reviews/partials/review_row_actions.html",
}
ATTR = "_card_fragments"

# What a card shows beyond the review row and its author: loaded with every list, or, for pages
# using the card cache, only onto the reviews whose cards must be drawn (reviews.selectors reads
# it from here: the card cache sits below the selectors).
LISTING_PREFETCHES = (
    # Products (with brand and category) in a query of their own: joined into the main query
    # they took PostgreSQL ~10 ms to plan (eight tables, two outer joins) for ~1 ms of work.
    Prefetch("product", queryset=Product.objects.select_related("brand", "category")),
    "tags",
    Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position")),
)


def enabled() -> bool:
    return settings.CARD_CACHE_SECONDS > 0


# --- generations ---------------------------------------------------------------------------


def _generation_key() -> str:
    # One per database: deployments (and parallel test runs) may share a cache server.
    return f"cards:gen:{connection.settings_dict['NAME']}"


def _start_generation() -> int:
    """A new generation. Starts from the clock, so a generation key lost to eviction or a Redis
    restart never comes back as a number old entries were stored under."""
    key = _generation_key()
    try:
        return cache.incr(key)
    except ValueError:  # no generation yet (or evicted)
        value = time.time_ns()
        cache.set(key, value, timeout=settings.CACHE_GENERATION_SECONDS)
        return value


def invalidate() -> None:
    """Start a new card generation now: every cached card is drawn again on its next request."""
    if not enabled():
        return
    try:
        _start_generation()
    except Exception as error:  # noqa: BLE001 - the entries expire on their own
        logger.warning("card cache not invalidated, the cache is unavailable: %r", error)


def invalidate_now_and_on_commit(**_signal_kwargs) -> None:
    """A signal receiver. At once, and again once the transaction commits: a card drawn from the
    old rows between the two (by another request) would otherwise be kept under the new
    generation."""
    invalidate()
    transaction.on_commit(invalidate)


# --- keys ----------------------------------------------------------------------------------


_MISSING = object()


def _loaded(obj, name: str):
    """A to-one relation as the list's query loaded it (None: there is none), or _MISSING when
    it was not loaded: reading it would run a query per review."""
    return obj._state.fields_cache.get(name, _MISSING)


def shown_by(review: Review, scores: bool) -> tuple | None:
    """What a card shows of a review (the material of its key); None when the list did not load
    all of it (the card is then drawn, never stored). reviews.selectors.CardRows reads the same
    values, in the same order, straight from its query (SHOWN_COLUMNS)."""
    author = _loaded(review, "author")
    if author is _MISSING:
        return None
    standing = _loaded(author, "standing")
    assignment = _loaded(review, "tester_assignment")
    score = _loaded(review, "score") if scores else None
    if _MISSING in (standing, assignment, score):
        return None
    return (
        review.changed_at,
        review.edited_at,
        review.status,
        review.rating,
        review.helpful_count,
        review.not_helpful_count,
        review.comment_count,
        review.save_count,
        review.product_id,
        author.pk,
        author.username,
        author.display_name,
        author.avatar.name,
        standing.level if standing is not None else None,
        assignment.pk if assignment is not None else None,
        (score.quality, score.discover) if score is not None else None,
    )


# The columns of a review's list query that give shown_by()'s values, in its order, for lists
# read as plain rows (reviews.selectors.CardRows); the score pair is appended where it is shown.
SHOWN_COLUMNS = (
    "changed_at",
    "edited_at",
    "status",
    "rating",
    "helpful_count",
    "not_helpful_count",
    "comment_count",
    "save_count",
    "product_id",
    "author_id",
    "author__username",
    "author__display_name",
    "author__avatar",
    "author__standing__level",
    "tester_assignment__id",
)


def digest_of(shown: tuple) -> str:
    """A short digest of shown_by()'s tuple (nothing missing in it)."""
    return hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()


def _digest(review: Review, scores: bool) -> str | None:
    shown = shown_by(review, scores)
    return None if shown is None else digest_of(shown)


def _key(review: Review, kind: str, extra: str, scores: bool) -> str | None:
    digest = _digest(review, scores)
    return None if digest is None else _key_of(kind, extra, review.pk, digest)


def _key_of(kind: str, extra: str, review_id: int, digest: str) -> str:
    # Per language: a card's words, dates and links are in the page's language (config.locale).
    language = get_language() or ""
    return f"cards:{connection.settings_dict['NAME']}:{CARD_FORMAT}:{language}:{kind}:{extra}:{review_id}:{digest}"


# --- reading and storing -------------------------------------------------------------------


def _fetch(keys: list[str]) -> tuple[int | None, dict]:
    """(current generation or None, {key: payload} of the entries stored in it). Entries this
    process read or stored before come from its own memory (_LOCAL): only the generation and the
    other keys make the round trip to the cache."""
    generation_key = _generation_key()
    local = {key: entry for key in keys if (entry := _LOCAL.get(key)) is not None}
    found = cache.get_many([generation_key, *(key for key in keys if key not in local)])
    current = found.pop(generation_key, None)
    if current is None:
        return None, {}
    stored = {key: entry[1] for key, entry in found.items() if entry[0] == current}
    _remember(current, stored)
    stored.update((key, entry[1]) for key, entry in local.items() if entry[0] == current)
    return current, stored


# key -> (generation, payload): the HTML fragments this process read or drew lately. Keys name
# what the card shows and the generation is checked on every read, so an entry is never stale.
# API dicts are not kept: each reader's copy must be its own.
_LOCAL: dict[str, tuple[int, SafeString]] = {}


def _remember(generation: int, payloads: dict) -> None:
    limit = settings.CARD_LOCAL_ENTRIES
    for key, payload in payloads.items():
        if limit <= 0 or not isinstance(payload, str):
            continue
        if key not in _LOCAL and len(_LOCAL) >= limit:
            _LOCAL.clear()  # rare (a few hundred pages of new cards); safe with threaded workers
        _LOCAL[key] = (generation, payload)


def forget_local() -> None:
    _LOCAL.clear()


def cached(
    reviews: Sequence[Review],
    kinds: Iterable[str],
    draw: Callable[[list[Review], str], list],
    *,
    extra: str = "",
    prefetch: Sequence = (),
    scores: bool = False,
) -> dict[str, list]:
    """{kind: [payload per review]} for `reviews`, from the cache where stored and drawn by
    `draw(missing_reviews, kind)` otherwise (and then stored). `prefetch`: lookups loaded onto
    the missing reviews only, before drawing (already loaded ones are not loaded again).
    `scores`: the payload shows the review's ranking scores (loaded with `score`)."""
    kinds = list(kinds)
    if not reviews or not enabled():
        prefetch_related_objects(list(reviews), *prefetch)
        return {kind: draw(list(reviews), kind) for kind in kinds}
    by_pk = {review.pk: review for review in reviews}

    def draw_missing(missing: dict[str, list[int]]) -> dict[str, dict]:
        prefetch_related_objects(
            [by_pk[pk] for pk in dict.fromkeys(pk for ids in missing.values() for pk in ids)], *prefetch
        )
        return {
            kind: dict(zip(ids, draw([by_pk[pk] for pk in ids], kind), strict=True)) for kind, ids in missing.items()
        }

    return _through_cache(
        [review.pk for review in reviews], [_digest(review, scores) for review in reviews], kinds, extra, draw_missing
    )


def cached_rows(
    rows: Sequence,
    kinds: Iterable[str],
    draw: Callable[[list[Review], str], list],
    load: Callable[[list[int]], Iterable[Review]],
    *,
    extra: str = "",
) -> dict[str, list]:
    """cached() for a list read as plain rows (reviews.selectors.CardRow: `pk` and `digest`)
    instead of model instances: the reviews whose cards must be drawn are loaded by `load(ids)`
    (with everything a card shows), and only those."""
    kinds = list(kinds)
    if not rows:
        return {kind: [] for kind in kinds}

    def draw_missing(missing: dict[str, list[int]]) -> dict[str, dict]:
        wanted = list(dict.fromkeys(pk for ids in missing.values() for pk in ids))
        loaded = {review.pk: review for review in load(wanted)}
        drawn = {}
        for kind, ids in missing.items():
            found = [pk for pk in ids if pk in loaded]  # one deleted since the list was read: no card
            drawn[kind] = dict.fromkeys(ids, "") | dict(
                zip(found, draw([loaded[pk] for pk in found], kind), strict=True)
            )
        return drawn

    if not enabled():
        drawn = draw_missing({kind: [row.pk for row in rows] for kind in kinds})
        return {kind: [drawn[kind][row.pk] for row in rows] for kind in kinds}
    return _through_cache([row.pk for row in rows], [row.digest for row in rows], kinds, extra, draw_missing)


def _through_cache(
    ids: list[int],
    digests: list[str | None],
    kinds: list[str],
    extra: str,
    draw_missing: Callable[[dict[str, list[int]]], dict[str, dict]],
) -> dict[str, list]:
    """{kind: [payload per id]}: stored entries where the cache has them under the current
    generation, the rest from `draw_missing({kind: [missing ids]})` ({kind: {id: payload}}),
    stored for next time (an id without a digest is drawn and never stored)."""
    keys = {
        kind: [
            None if digest is None else _key_of(kind, extra, pk, digest)
            for pk, digest in zip(ids, digests, strict=True)
        ]
        for kind in kinds
    }
    try:
        current, stored = _fetch([key for kind in kinds for key in keys[kind] if key is not None])
    except Exception as error:  # noqa: BLE001 - draw them all
        logger.warning("card cache skipped, the cache is unavailable: %r", error)
        current, stored = None, {}
        usable = False
    else:
        usable = True
    missing = {kind: [pk for pk, key in zip(ids, keys[kind], strict=True) if key not in stored] for kind in kinds}
    missing = {kind: pks for kind, pks in missing.items() if pks}
    drawn = draw_missing(missing) if missing else {}
    result: dict[str, list] = {}
    fresh: dict[str, tuple] = {}
    for kind in kinds:
        payloads = []
        for pk, key in zip(ids, keys[kind], strict=True):
            if key in stored:
                payloads.append(stored[key])
            else:
                payloads.append(drawn[kind][pk])
                if key is not None:
                    fresh[key] = drawn[kind][pk]
        result[kind] = payloads
    if fresh and usable:
        try:
            if current is None:
                current = _generation_now()
            cache.set_many({key: (current, payload) for key, payload in fresh.items()}, settings.CARD_CACHE_SECONDS)
            _remember(current, fresh)
        except Exception as error:  # noqa: BLE001 - drawn again next time
            logger.warning("cards not stored, the cache is unavailable: %r", error)
    return result


def _generation_now() -> int:
    return pagecache.read_generation(_generation_key())


def draw_fragments(reviews: list[Review], kind: str) -> list[SafeString]:
    template = get_template(TEMPLATES[kind])
    # Rendered without a request: nothing of the reader's can get into the fragment.
    return [mark_safe(template.render({"review": review})) for review in reviews]  # noqa: S308  # nosec B308 B703 - template output


def attach(reviews: Sequence[Review], kinds: Iterable[str], *, extra: str = "") -> None:
    """Load the `kinds` of fragment for a page of reviews (one cache round trip) onto each review,
    where the `review_fragment` template tag finds them. Reviews loaded without their products,
    tags and photos get them loaded if, and only if, a fragment has to be drawn."""
    fragments = cached(reviews, kinds, draw_fragments, extra=extra, prefetch=LISTING_PREFETCHES)
    for index, review in enumerate(reviews):
        review.__dict__.setdefault(ATTR, {}).update({kind: payloads[index] for kind, payloads in fragments.items()})


def attach_rows(
    rows: Sequence, kinds: Iterable[str], load: Callable[[list[int]], Iterable[Review]], *, extra: str = ""
) -> None:
    """attach() for a list read as plain rows (reviews.selectors.CardRow)."""
    fragments = cached_rows(rows, kinds, draw_fragments, load, extra=extra)
    for index, row in enumerate(rows):
        row.__dict__.setdefault(ATTR, {}).update({kind: payloads[index] for kind, payloads in fragments.items()})


def fragment(review: Review, kind: str) -> SafeString:
    """The fragment attached by `attach`, or drawn now (uncached) for a review without it."""
    attached = getattr(review, ATTR, None)
    if attached is not None and kind in attached:
        return attached[kind]
    prefetch_related_objects([review], *_missing_prefetches(review))
    return draw_fragments([review], kind)[0]


def _missing_prefetches(review: Review) -> list:
    return [] if "photos" in getattr(review, "_prefetched_objects_cache", {}) else list(LISTING_PREFETCHES)


# --- receivers (connected in reviews/signals.py) -------------------------------------------


def shown_row_saved(sender, instance, created: bool = False, **kwargs) -> None:
    """post_save of a brand or a category: cards show their names, which no review's changed_at
    follows. A new row is on no card yet."""
    if not created:
        invalidate_now_and_on_commit()
