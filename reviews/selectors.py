"""Reads on reviews: lists and feeds with everything a card shows, in a fixed number of queries."""

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from django.db import connections, router
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import JSONObject

from accounts.models import Follow, User

from . import cards, sitecache
from .cards import LISTING_PREFETCHES
from .models import Category, Comment, HelpfulVote, Product, Review, ReviewPhoto, Save

T = TypeVar("T")

CATEGORIES = "categories"  # the menu's name in reviews.sitecache


def categories() -> list[Category]:
    """Every category, in menu order (kept in the Django cache: reviews.sitecache, forgotten when
    a category is saved or deleted, reviews/signals.py)."""
    return sitecache.remembered(CATEGORIES, lambda: list(Category.objects.all()))


def reviews_for_listing(viewer: User | None = None) -> QuerySet[Review]:
    """Published reviews with author, product, tags and photos loaded, and the viewer's own
    vote and save annotated, so a page of any size costs the same few queries."""
    qs = (
        Review.objects.filter(status=Review.Status.PUBLISHED)
        # tester_assignment: the invited-tester disclosure (brands app), a reverse one-to-one.
        .select_related("author", "author__standing", "tester_assignment")
        .prefetch_related(*LISTING_PREFETCHES)
    )
    return annotate_viewer_state(qs, viewer)


# The columns a page built from the card cache reads for each review: the review row (its cached
# card is keyed on it; a card to draw shows it), and of the author, their standing, tester
# disclosure and score only what a card or its key shows (a User or standing row is wide).
CARD_COLUMNS = (
    *(field.attname for field in Review._meta.concrete_fields),
    "author__username",
    "author__display_name",
    "author__avatar",
    "author__standing__level",
    "tester_assignment__campaign_id",
    "tester_assignment__review_id",
)
SCORE_COLUMNS = ("score__quality", "score__discover")


def without_card_data(qs: QuerySet[Review], *, scores: bool = False) -> QuerySet[Review]:
    """A listing for a page that loads its cards through reviews.cards (`attach` or the API's
    cached list): only CARD_COLUMNS (and SCORE_COLUMNS with `scores`, for lists that select
    `score`), and without LISTING_PREFETCHES, which the card cache loads for the cards it has to
    draw. Templates and serializers of those cards read nothing else."""
    return qs.prefetch_related(None).only(*CARD_COLUMNS, *(SCORE_COLUMNS if scores else ()))


# Lists visitors read, built once per process (querysets for for_viewer, CardRows for
# card_rows). Bounded: an entry or two per category or product someone visited; cleared whole
# when full.
_VISITOR_LISTS: dict[Hashable, object] = {}
VISITOR_LISTS_MAX = 1024


def _kept(key: Hashable, build: Callable[[], T]) -> T:
    """`build()`, made once per process for `key`."""
    kept = _VISITOR_LISTS.get(key)
    if kept is None:
        if len(_VISITOR_LISTS) >= VISITOR_LISTS_MAX:
            _VISITOR_LISTS.clear()
        kept = _VISITOR_LISTS[key] = build()
    return kept


def for_viewer(viewer: User | None, key: Hashable, build: Callable[[User | None], QuerySet]) -> QuerySet:
    """`build(viewer)`, but for a visitor (not signed in) a fresh clone of the queryset built for
    `key` earlier in this process: building a listing (joins, annotations, `only`) costs about
    half a millisecond of Python per request, a clone a hundredth of that.

    `key` must name everything but the viewer that `build` depends on (a list name, a category
    slug, a product id): what `build` makes of it is reused for every visitor. Signed-in
    viewers' lists carry their own vote and save state and are always built afresh. A clone never
    shares results: each is evaluated (and routed to the primary or a replica) on its own."""
    if viewer is not None and viewer.is_authenticated:
        return build(viewer)
    return reused(key, lambda: build(None))


def reused(key: Hashable, build: Callable[[], QuerySet]) -> QuerySet:
    """A fresh clone of the queryset `build()` made for `key` earlier in this process (`key` names
    everything it depends on; nothing of a signed-in reader's)."""
    return _kept(("queryset", key), build).all()


def annotate_viewer_state(qs: QuerySet[Review], viewer: User | None) -> QuerySet[Review]:
    if viewer is None or not viewer.is_authenticated:
        return qs.annotate(
            viewer_vote=Value(None, output_field=BooleanField(null=True)),
            viewer_saved=Value(False, output_field=BooleanField()),
        )
    own_vote = HelpfulVote.objects.filter(review=OuterRef("pk"), user=viewer).values("helpful")[:1]
    return qs.annotate(
        viewer_vote=Subquery(own_vote, output_field=BooleanField(null=True)),
        viewer_saved=Exists(Save.objects.filter(review=OuterRef("pk"), user=viewer)),
    )


# What a signed-in reader's vote and save buttons show of a review besides its id.
VIEWER_STATE_FIELDS = (
    "author_id",
    "helpful_count",
    "not_helpful_count",
    "save_count",
    "comment_count",
    "viewer_vote",
    "viewer_saved",
)


def viewer_states(viewer: User, ids: list[int]) -> dict[int, dict]:
    """{review id: {field: value}} of VIEWER_STATE_FIELDS for the reviews `ids`: the viewer's own
    vote and save with the counters their buttons show, in one query for a page of cards or rows
    read as rows (CardRows, the same for every reader). The same columns as
    annotate_viewer_state, written as one fixed statement: every signed-in page runs it, and the
    ORM building the two subqueries cost more than the rest of a member's extra work
    (bench/RESULTS.md). Discover reads them in the statement of the member's own unranked
    reviews (ranking.selectors.own_unranked_rows_and_states), with the same columns."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    sql = f"SELECT {viewer_state_columns()} FROM {Review._meta.db_table} r WHERE r.id IN ({marks})"  # noqa: S608 # nosec B608 # model table names
    with connections[router.db_for_read(Review)].cursor() as cursor:
        cursor.execute(sql, [*viewer_state_params(viewer), *ids])
        rows = cursor.fetchall()
    return read_viewer_states(rows)


@functools.cache
def viewer_state_columns() -> str:
    """The SELECT list of viewer_states over the reviews table aliased `r`: the review's id, then
    VIEWER_STATE_FIELDS (its parameters: viewer_state_params)."""
    votes, saves = HelpfulVote._meta.db_table, Save._meta.db_table
    return (
        "r.id, r.author_id, r.helpful_count, r.not_helpful_count, r.save_count, r.comment_count, "  # noqa: S608 # nosec B608 # model table names
        f"(SELECT v.helpful FROM {votes} v WHERE v.review_id = r.id AND v.user_id = %s), "
        f"EXISTS (SELECT 1 FROM {saves} s WHERE s.review_id = r.id AND s.user_id = %s)"
    )


def viewer_state_params(viewer: User) -> list:
    return [viewer.pk, viewer.pk]


def read_viewer_states(rows) -> dict[int, dict]:
    """viewer_states' answer from rows of viewer_state_columns."""
    # SQLite answers booleans as 0 and 1.
    return {
        pk: dict(zip(VIEWER_STATE_FIELDS, (*counts, None if vote is None else bool(vote), bool(saved)), strict=True))
        for pk, *counts, vote, saved in rows
    }


def review_for_viewer(review_id: int, viewer: User | None) -> Review | None:
    """One review as `viewer` may see it: published, or hidden but theirs (or a moderator's)."""
    qs = (
        Review.objects.filter(pk=review_id)
        .select_related("author", "author__standing", "product__brand", "product__category", "tester_assignment")
        .prefetch_related("tags", "photos")
    )
    review = annotate_viewer_state(qs, viewer).first()
    if review is None or not review.is_visible_to(viewer):
        return None
    return review


def feed(viewer: User | None, *, following_only: bool = False) -> QuerySet[Review]:
    """The main feed, newest first. With `following_only`, only people the viewer follows."""
    qs = reviews_for_listing(viewer)
    if following_only:
        if viewer is None or not viewer.is_authenticated:
            return qs.none()
        qs = qs.filter(author__in=Follow.objects.filter(follower=viewer).values("followee"))
    return qs.order_by("-created_at", "-id")


def saved_reviews(user: User, viewer: User | None = None) -> QuerySet[Review]:
    """The reviews in `user`'s collection, annotated with `saved_at`."""
    return reviews_for_listing(viewer).filter(saves__user=user).annotate(saved_at=F("saves__created_at"))


def comments_for_review(review: Review) -> QuerySet[Comment]:
    return Comment.objects.filter(review=review, status=Comment.Status.PUBLISHED).select_related("author")


def products_with_stats() -> QuerySet[Product]:
    published = Q(reviews__status=Review.Status.PUBLISHED)
    return Product.objects.select_related("brand", "category").annotate(
        review_count=Count("reviews", filter=published),
        average_rating=Avg("reviews__rating", filter=published),
    )


STARS = range(5, 0, -1)


def product_for_page(slug: str) -> Product | None:
    """The product page's header in one query: the product with its brand and category, its
    ranking row (`score`, with the category it is ranked in), `distribution`, its published
    reviews per star (5 to 1), from which `review_count` and `average_rating` follow, and `cover`,
    product_cover_photo() for a product without an image of its own (or None)."""
    found = list(_product_header().filter(slug=slug))
    if not found:
        return None
    product = found[0]
    product.distribution = {stars: getattr(product, f"stars_{stars}") for stars in STARS}
    product.review_count = sum(product.distribution.values())
    total_stars = sum(stars * count for stars, count in product.distribution.items())
    product.average_rating = total_stars / product.review_count if product.review_count else None
    cover = product.cover_photo  # {"id", "image", "width", "height"}, or None
    product.cover = None if product.image or cover is None else ReviewPhoto(**cover)
    return product


def cover_photos(product) -> QuerySet[ReviewPhoto]:
    """The photos that may stand for a product with no image of its own (`product`: a Product
    or an OuterRef), best first: the most helpful published reviews' photos, each in its order."""
    return ReviewPhoto.objects.filter(review__product=product, review__status=Review.Status.PUBLISHED).order_by(
        "-review__helpful_count", "review_id", "position"
    )


def _product_header() -> QuerySet[Product]:
    # Compiled by the ORM on each request (~2 ms of CPU on a loaded machine, bench/pages/run.py);
    # compiling it once per process needed the ORM's private compiler API (issue 24).
    return (
        Product.objects.select_related("brand", "category", "score__category")
        .annotate(
            **{
                f"stars_{stars}": Count(
                    "reviews", filter=Q(reviews__status=Review.Status.PUBLISHED) & Q(reviews__rating=stars)
                )
                for stars in STARS
            },
            # One subquery for the four columns a cover needs (four cost PostgreSQL more).
            cover_photo=Subquery(
                cover_photos(OuterRef("pk")).values(
                    json=JSONObject(id="pk", image="image", width="width", height="height")
                )[:1],
                output_field=JSONField(),
            ),
        )
        .order_by()
    )


def rating_distribution(product: Product) -> dict[int, int]:
    counts = dict(
        product.reviews.filter(status=Review.Status.PUBLISHED)
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    return {stars: counts.get(stars, 0) for stars in range(5, 0, -1)}


def product_cover_photo(product: Product) -> ReviewPhoto | None:
    """A photo to show for a product that has no image of its own: the first photo of its most
    helpful published review that has one."""
    return cover_photos(product).first()


def annotate_cover_thumbnail(products: QuerySet[Product]) -> QuerySet[Product]:
    """Annotate `cover_thumbnail` (a stored file name, or None): the thumbnail of the first photo of
    each product's most helpful published review with photos. One subquery, any number of rows."""
    first = cover_photos(OuterRef("pk")).values("thumbnail")[:1]
    return products.annotate(cover_thumbnail=Subquery(first))


# --- card lists read as rows ------------------------------------------------------------------


@dataclass(eq=False)
class CardRow:
    """One review of a list read as a plain row (CardRows): its id, the digest of what its card
    shows (the card cache's key, reviews.cards) and its keyset position (sort value, id)."""

    pk: int
    digest: str
    position: tuple


class CardRows:
    """A card list read as rows: for the busiest pages (Discover, a product's reviews for
    visitors), which are served from the card cache and need of each review only the values its
    card's key is made of, not ~90 model instances. The reviews whose cards must be drawn are
    loaded by `load_reviews` afterwards, and only those.

    `queryset`: the list, ordered (its order is the offset pages' order); `sort`: the field of
    the keyset order (descending, then `sort_id` descending: the review's id, or the same value
    where the index of that order holds it, `score__review_id`); `scores`: the cards show the
    ranking scores (`score` of each review). The values queryset is built once (card_rows keeps
    it per process); each page is a clone of it, compiled by the ORM."""

    def __init__(self, queryset: QuerySet[Review], *, sort: str, sort_id: str = "id", scores: bool = False):
        self.scores = scores
        columns = ("id", *cards.SHOWN_COLUMNS, *(SCORE_COLUMNS if scores else ()))
        # The two keyset aliases come last: the rows' columns are in this order.
        self._rows = queryset.annotate(keyset_value=F(sort), keyset_id=F(sort_id)).values_list(
            *columns, "keyset_value", "keyset_id"
        )

    def _read(self, rows) -> list[CardRow]:
        return read_card_rows(rows, scores=self.scores)

    def after(self, position: tuple | None, size: int) -> list[CardRow]:
        """Up to `size` rows after `position` ((sort value, id); None: from the top), in the
        keyset order: a stable page however the list changes under the reader."""
        rows = self._rows.order_by("-keyset_value", "-keyset_id")
        if position is not None:
            value, last_id = position
            # Written so an index on (sort value desc, id desc) serves it as a range.
            rows = rows.filter(Q(keyset_value__lt=value) | Q(keyset_id__lt=last_id), keyset_value__lte=value)
        return self._read(rows[:size])

    def of_author(self, author_id: int, size: int) -> list[CardRow]:
        """Up to `size` of `author_id`'s rows from the top, in the keyset order."""
        return self._read(self._rows.filter(author_id=author_id).order_by("-keyset_value", "-keyset_id")[:size])

    def at(self, offset: int, size: int) -> list[CardRow]:
        """Up to `size` rows from `offset`, in the queryset's own order (numbered pages)."""
        return self._read(self._rows[offset : offset + size])


def read_card_rows(rows, *, scores: bool = False) -> list[CardRow]:
    """CardRows of rows ("id", *cards.SHOWN_COLUMNS, [*SCORE_COLUMNS with `scores`], keyset
    value, keyset id)."""
    shown_count = len(cards.SHOWN_COLUMNS)
    result = []
    for row in rows:
        shown = tuple(row[1 : 1 + shown_count])
        if scores:
            quality, discover = row[1 + shown_count : 3 + shown_count]
            shown += ((quality, discover) if quality is not None else None,)
        else:
            shown += (None,)
        result.append(CardRow(pk=row[0], digest=cards.digest_of(shown), position=(row[-2], row[-1])))
    return result


class CardColumns:
    """The SELECT list and joins of ("id", *cards.SHOWN_COLUMNS, *keyset) for a fixed SQL statement over
    the reviews table (alias `r`), made from the models' fields once per process and database,
    with the converters the ORM applies to each column (SQLite: dates). For a member-only list
    read on every one of their pages (ranking.selectors.own_unranked_rows_and_states), where the ORM
    compiling the same values query cost more CPU than the rest of the page's reads; its rows
    give the same CardRows (tests/reviews/test_member_pages.py)."""

    def __init__(self, alias: str, keyset: tuple[str, str]):
        connection = connections[alias]
        self.quote = quote = connection.ops.quote_name
        self.joins: list[str] = []
        joined: dict[str, tuple[str, type]] = {"": ("r", Review)}
        selected, self.converters = [], []
        for index, path in enumerate(("id", *cards.SHOWN_COLUMNS, *keyset)):
            *relations, name = path.split("__")
            table, model = "r", Review
            for depth, relation in enumerate(relations):
                prefix = "__".join(relations[: depth + 1])
                if prefix not in joined:
                    joined[prefix] = self._join(table, model, relation, f"j{len(joined)}")
                table, model = joined[prefix]
            field = model._meta.get_field(name)
            selected.append(f"{table}.{quote(field.column)}")
            expression = field.get_col(table)
            found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, found, expression))
        self.select = ", ".join(selected)
        self.width = len(selected)
        self.source = f"{quote(Review._meta.db_table)} r " + " ".join(self.joins)

    def _join(self, table: str, model, name: str, alias: str) -> tuple[str, type]:
        """LEFT JOIN the relation `name` of `model` (at `table`): a foreign key or one-to-one
        field, or the reverse side of a one-to-one."""
        quote, field = self.quote, model._meta.get_field(name)
        target = field.related_model
        if field.concrete:  # the key is in `table`
            on = f"{alias}.{quote(field.target_field.column)} = {table}.{quote(field.column)}"
        else:  # the key is in the joined table
            on = f"{alias}.{quote(field.field.column)} = {table}.{quote(field.field.target_field.column)}"
        self.joins.append(f"LEFT JOIN {quote(target._meta.db_table)} {alias} ON {on}")
        return alias, target

    def convert(self, rows, connection) -> list:
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for index, functions, expression in self.converters:
                for convert in functions:
                    row[index] = convert(row[index], expression, connection)
            converted.append(row)
        return converted


@functools.cache
def card_columns(alias: str, keyset: tuple[str, str]) -> CardColumns:
    """CardColumns for the database `alias`, with the keyset's two columns (sort value, id) last,
    as read_card_rows reads them."""
    return CardColumns(alias, keyset)


def card_rows(
    key: Hashable, build: Callable[[], QuerySet[Review]], *, sort: str, sort_id: str = "id", scores: bool = False
) -> CardRows:
    """The CardRows of the list `build()` makes, built once per process for `key` (which names
    everything the list depends on: it must hold nothing of a signed-in reader's)."""
    return _kept(("rows", key), lambda: CardRows(build(), sort=sort, sort_id=sort_id, scores=scores))


def reviews_for_cards(ids: list[int]) -> list[Review]:
    """The reviews `ids` with everything a card shows, for drawing the cards the card cache
    lacks (in no particular order; one that has since been deleted is missing)."""
    return list(
        Review.objects.filter(pk__in=ids)
        .select_related("author", "author__standing", "tester_assignment")
        .prefetch_related(*LISTING_PREFETCHES)
    )
