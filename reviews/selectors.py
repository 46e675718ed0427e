"""Reads on reviews: lists and feeds with everything a card shows, in a fixed number of queries."""

from collections.abc import Callable, Hashable

from django.db.models import Avg, BooleanField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value

from accounts.models import Follow, User

from .models import Comment, HelpfulVote, Product, Review, ReviewPhoto, Save

# What a card shows beyond the review row and its author: loaded with every list, or, for pages
# using the card cache (reviews/cards.py), only onto the reviews whose cards must be drawn.
LISTING_PREFETCHES = (
    # Products (with brand and category) in a query of their own: joined into the main query
    # they took PostgreSQL ~10 ms to plan (eight tables, two outer joins) for ~1 ms of work.
    Prefetch("product", queryset=Product.objects.select_related("brand", "category")),
    "tags",
    Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position")),
)


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


# Lists visitors read, built once per process (see for_viewer). Bounded: one entry per category
# or product someone visited; cleared whole when full.
_VISITOR_LISTS: dict[Hashable, QuerySet] = {}
VISITOR_LISTS_MAX = 1024


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
    base = _VISITOR_LISTS.get(key)
    if base is None:
        if len(_VISITOR_LISTS) >= VISITOR_LISTS_MAX:
            _VISITOR_LISTS.clear()
        base = _VISITOR_LISTS[key] = build()
    return base.all()


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
    return (
        ReviewPhoto.objects.filter(review__product=product, review__status=Review.Status.PUBLISHED)
        .order_by("-review__helpful_count", "review_id", "position")
        .first()
    )


def annotate_cover_thumbnail(products: QuerySet[Product]) -> QuerySet[Product]:
    """Annotate `cover_thumbnail` (a stored file name, or None): the thumbnail of the first photo of
    each product's most helpful published review with photos. One subquery, any number of rows."""
    photos = ReviewPhoto.objects.filter(review__product=OuterRef("pk"), review__status=Review.Status.PUBLISHED)
    first = photos.order_by("-review__helpful_count", "review_id", "position").values("thumbnail")[:1]
    return products.annotate(cover_thumbnail=Subquery(first))
