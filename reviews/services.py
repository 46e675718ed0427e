"""Writes on reviews and everything hanging off them. Each function is one transaction.

Counters shown to users move only through `F()` expressions in the same transaction as the row
they count, so concurrent writers never lose an update.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CASCADE, DO_NOTHING, F
from django.db.models.deletion import get_candidate_relations_to_delete
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Notification, User
from accounts.services import notify
from config.images import ProcessedPhoto, process_photo
from config.validation import check_fields

from .models import (
    Brand,
    BrandMembership,
    Category,
    Comment,
    HelpfulVote,
    Product,
    Review,
    ReviewPhoto,
    Save,
    Tag,
    VoteTally,
)

MAX_TAGS_PER_REVIEW = 10
# A tag as typed (before normalize_tags makes a slug of at most 30 characters of it).
MAX_TAG_INPUT_LENGTH = 40
# The author is told when a review's helpful votes reach one of these (once per milestone).
HELPFUL_MILESTONES = (1, 10, 50, 100, 500, 1000, 5000, 10000)

# Sent (kwarg review_id) once an edit of a review's rating, title, body or tags has committed;
# the edit is a queryset update, which sends no post_save. Listeners such as the page cache
# (config/pagecache.py) drop what showed the old text.
review_changed = Signal()


def _ensure_can_write(user: User) -> None:
    if user.is_suspended:
        raise PermissionDenied("Your account is suspended.")


def normalize_tags(raw_tags: Iterable[str]) -> list[str]:
    """Lower-case slugs, de-duplicated in order. Raises ValidationError on 'tags'."""
    names: list[str] = []
    for raw in raw_tags:
        if len(str(raw)) > MAX_TAG_INPUT_LENGTH:
            raise ValidationError({"tags": [f"A tag has at most {MAX_TAG_INPUT_LENGTH} characters."]})
        name = slugify(str(raw).strip().lstrip("#"), allow_unicode=True)[:30]
        if not name:
            raise ValidationError({"tags": [f"'{raw}' is not a usable tag."]})
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS_PER_REVIEW:
        raise ValidationError({"tags": [f"At most {MAX_TAGS_PER_REVIEW} tags per review."]})
    return names


def _set_tags(review: Review, tag_names: Sequence[str]) -> None:
    existing = {t.name: t for t in Tag.objects.filter(name__in=tag_names)}
    missing = [Tag(name=n) for n in tag_names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
    review.tags.set(Tag.objects.filter(name__in=tag_names))


def _process_photos(photos: Sequence) -> list[ProcessedPhoto]:
    return [process_photo(upload, field="photos") for upload in photos]


def _attach_photos(review: Review, processed: Sequence[ProcessedPhoto], *, start: int) -> None:
    for offset, photo in enumerate(processed):
        review_photo = ReviewPhoto(review=review, position=start + offset, width=photo.width, height=photo.height)
        review_photo.image.save(photo.display.name, photo.display, save=False)
        review_photo.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        review_photo.save()


def _unique_slug(model, base: str) -> str:
    base = slugify(base)[:170] or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def product_create(
    *, brand: Brand, category: Category, name: str, description: str = "", created_by: User | None = None
) -> Product:
    """Create a product, or return the brand's existing product of the same name. Raises
    ValidationError naming the field for a blank or too long name or description."""
    name, description = name.strip(), description.strip()
    if not name:
        raise ValidationError({"name": ["A product needs a name."]})
    check_fields(
        Product(brand=brand, category=category, name=name, description=description),
        "name",
        "description",
        max_lengths={"description": Product.DESCRIPTION_MAX_LENGTH},
    )
    existing = Product.objects.filter(brand=brand, name__iexact=name).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Product.objects.create(
                brand=brand,
                category=category,
                name=name,
                description=description,
                slug=_unique_slug(Product, f"{brand.name} {name}"),
                created_by=created_by,
            )
    except IntegrityError:
        # Someone added the same product (or took the slug) a moment ago.
        existing = Product.objects.filter(brand=brand, name__iexact=name).first()
        if existing:
            return existing
        raise ValidationError({"name": ["This product could not be added; please try again."]}) from None


def review_create(
    *,
    author: User,
    product: Product,
    rating: int,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    photos: Sequence = (),
) -> Review:
    """Publish a review with its tags and photos, all or nothing.

    The rating, title and body are checked against the model's rules (ValidationError naming
    the field), and photos validated and re-encoded, before the transaction opens, so bad input
    never leaves a half-written review behind.
    """
    _ensure_can_write(author)
    review = Review(author=author, product=product, rating=rating, title=title.strip(), body=body.strip())
    check_fields(review, "rating", "title", "body")
    tag_names = normalize_tags(tags)
    if len(photos) > settings.PHOTOS_PER_REVIEW_MAX:
        raise ValidationError({"photos": [f"At most {settings.PHOTOS_PER_REVIEW_MAX} photos per review."]})
    processed = _process_photos(photos)
    with transaction.atomic():
        if Review.objects.filter(author=author, product=product).exists():
            raise ValidationError({"product": ["You have already reviewed this product; edit that review instead."]})
        try:
            with transaction.atomic():
                review.save(force_insert=True)
        except IntegrityError:
            # A concurrent request by the same author won the race to the unique constraint.
            raise ValidationError(
                {"product": ["You have already reviewed this product; edit that review instead."]}
            ) from None
        _set_tags(review, tag_names)
        _attach_photos(review, processed, start=0)
    return review


@transaction.atomic
def review_update(*, review: Review, editor: User, **changes) -> Review:
    """Edit a review's rating, title, body or tags. Keeps created_at; marks it edited. Raises
    ValidationError naming the field for a value review_create would refuse."""
    if not review.can_edit(editor):
        raise PermissionDenied("Only the author can edit this review.")
    _ensure_can_write(editor)
    tag_names = normalize_tags(changes.pop("tags")) if "tags" in changes else None
    fields = {k: v for k, v in changes.items() if k in {"rating", "title", "body"}}
    if "title" in fields:
        fields["title"] = fields["title"].strip()
    if "body" in fields:
        fields["body"] = fields["body"].strip()
    edited = Review(**fields)
    check_fields(edited, *fields)
    fields = {name: getattr(edited, name) for name in fields}
    now = timezone.now()
    changed = any(getattr(review, k) != v for k, v in fields.items())
    if tag_names is not None:
        changed = changed or set(tag_names) != set(review.tags.values_list("name", flat=True))
        _set_tags(review, tag_names)
    if changed:
        Review.objects.filter(pk=review.pk).update(**fields, edited_at=now, changed_at=now)
        transaction.on_commit(lambda: review_changed.send(sender=Review, review_id=review.pk))
    review.refresh_from_db()
    return review


@transaction.atomic
def review_delete(*, review: Review, user: User) -> None:
    if not user.is_authenticated or user.pk != review.author_id:
        raise PermissionDenied("Only the author can delete this review.")
    review.delete()


def review_add_photos(*, review: Review, user: User, photos: Sequence) -> list[ReviewPhoto]:
    """Attach photos after the review's own. Returns all the review's photos afterwards, read
    from the database (not `review.photos`, which a caller's prefetch may hold from before)."""
    if not review.can_edit(user):
        raise PermissionDenied("Only the author can add photos.")
    if not photos:
        raise ValidationError({"photos": ["Attach at least one photo."]})
    processed = _process_photos(photos)
    with transaction.atomic():
        # Lock the review so two uploads cannot take the same positions or exceed the limit.
        Review.objects.select_for_update().filter(pk=review.pk).first()
        existing = list(review.photos.values_list("position", flat=True))
        if len(existing) + len(processed) > settings.PHOTOS_PER_REVIEW_MAX:
            raise ValidationError({"photos": [f"At most {settings.PHOTOS_PER_REVIEW_MAX} photos per review."]})
        _attach_photos(review, processed, start=max(existing, default=-1) + 1)
        Review.objects.filter(pk=review.pk).update(edited_at=timezone.now(), changed_at=timezone.now())
    return list(ReviewPhoto.objects.filter(review=review).order_by("position"))


@transaction.atomic
def review_delete_photo(*, photo: ReviewPhoto, user: User) -> None:
    if not photo.review.can_edit(user):
        raise PermissionDenied("Only the author can remove photos.")
    photo.delete()
    # The photo count is a ranking signal: the next rerank rescores the review.
    Review.objects.filter(pk=photo.review_id).update(edited_at=timezone.now(), changed_at=timezone.now())


def _bump(review_id: int, **deltas: int) -> None:
    """Apply counter deltas atomically in SQL and mark the review as changed for ranking."""
    updates = {name: F(name) + delta for name, delta in deltas.items() if delta}
    Review.objects.filter(pk=review_id).update(**updates, changed_at=timezone.now())


def vote_tally_move(*, voter_id: int, author_id: int, votes: int, helpful_votes: int) -> None:
    """Move the voter's tally on the author by the given deltas, in the caller's transaction.
    One upsert: concurrent first votes of one voter on two reviews of one author both land."""
    table = VoteTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (voter_id, author_id, votes, helpful_votes) VALUES (%s, %s, %s, %s) "  # noqa: S608 # nosec B608 # table name from the model
            "ON CONFLICT (voter_id, author_id) DO UPDATE SET "
            f"votes = {table}.votes + EXCLUDED.votes, helpful_votes = {table}.helpful_votes + EXCLUDED.helpful_votes",
            [voter_id, author_id, votes, helpful_votes],
        )
    if votes < 0:
        VoteTally.objects.filter(voter_id=voter_id, author_id=author_id, votes__lte=0).delete()


@transaction.atomic
def vote_tally_recount() -> int:
    """Rebuild every VoteTally row from the votes (for votes written around the services, such
    as bulk imports). Set-based, one transaction; returns the number of tally rows."""
    tally, vote, review = VoteTally._meta.db_table, HelpfulVote._meta.db_table, Review._meta.db_table
    VoteTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tally} (voter_id, author_id, votes, helpful_votes) "  # noqa: S608 # nosec B608 # model table names
            f"SELECT v.user_id, r.author_id, COUNT(*), SUM(CASE WHEN v.helpful THEN 1 ELSE 0 END) "
            f"FROM {vote} v JOIN {review} r ON r.id = v.review_id GROUP BY v.user_id, r.author_id"
        )
        return cursor.rowcount


@dataclass(frozen=True, slots=True)
class VoteState:
    """A voter's vote on a review after a change (None: no vote) and the review's counters."""

    helpful: bool | None
    helpful_count: int
    not_helpful_count: int


def vote_cast(*, user: User, review: Review, helpful: bool) -> HelpfulVote:
    """Cast or change the user's helpful vote on a review. Idempotent for the same value."""
    if review.author_id == user.pk:
        raise PermissionDenied("You cannot vote on your own review.")
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError({"review": ["Only published reviews can be voted on."]})
    _ensure_can_write(user)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            outcome = _vote_put_sql(voter_id=user.pk, review_id=review.pk, helpful=helpful)
            if outcome is not None:
                if outcome.vote_id is None:  # the same vote again: nothing changed
                    return HelpfulVote.objects.get(user=user, review=review)
                return HelpfulVote(
                    id=outcome.vote_id,
                    user=user,
                    review=review,
                    helpful=helpful,
                    created_at=outcome.created_at,
                    updated_at=outcome.updated_at,
                )
        # Refused in SQL (a brand member, say): the ORM path below raises the reason.
    for _attempt in range(3):
        try:
            return _vote_cast_once(user=user, review=review, helpful=helpful)
        except IntegrityError:
            # The same user's concurrent first vote inserted the row; retry as a change.
            continue
    raise ValidationError({"helpful": ["Your vote could not be recorded; please retry."]})


def vote_put(*, user: User, review_id: int, helpful: bool) -> VoteState:
    """The vote API's PUT: vote_cast by review id, returning the counters after the vote.

    On PostgreSQL the whole vote is one statement in one transaction (see _vote_put_sql). Every
    refusal, and every vote on SQLite, goes through vote_cast, which raises the reason
    (PermissionDenied, ValidationError); Review.DoesNotExist when no published review has the id.
    """
    if connection.vendor == "postgresql" and not user.is_suspended:
        with transaction.atomic():
            outcome = _vote_put_sql(voter_id=user.pk, review_id=review_id, helpful=helpful)
        if outcome is not None:
            return VoteState(helpful, outcome.helpful_count, outcome.not_helpful_count)
    review = Review.objects.get(pk=review_id, status=Review.Status.PUBLISHED)
    vote = vote_cast(user=user, review=review, helpful=helpful)
    return VoteState(vote.helpful, *_vote_counts(review_id))


def vote_delete(*, user: User, review_id: int) -> VoteState:
    """The vote API's DELETE: vote_remove by review id, returning the counters afterwards.
    Raises Review.DoesNotExist when no published review has the id."""
    if connection.vendor == "postgresql" and _vote_cascades() is not None:
        with transaction.atomic():
            outcome = _vote_delete_sql(voter_id=user.pk, review_id=review_id, published_only=True)
        if outcome is None:
            raise Review.DoesNotExist
        return VoteState(None, *outcome[1:])
    review = Review.objects.get(pk=review_id, status=Review.Status.PUBLISHED)
    vote_remove(user=user, review=review)
    return VoteState(None, *_vote_counts(review_id))


def _vote_counts(review_id: int) -> tuple[int, int]:
    return Review.objects.filter(pk=review_id).values_list("helpful_count", "not_helpful_count").get()


def _notify_helpful_milestone(review: Review, count: int | None = None) -> None:
    """Runs in the vote's transaction after the counter moved (count: the counter it returned):
    the row lock makes each voter see a distinct count. A vote withdrawn and cast again does not
    repeat a milestone."""
    if count is None:
        count = Review.objects.filter(pk=review.pk).values_list("helpful_count", flat=True).first()
    if (
        count not in HELPFUL_MILESTONES
        or Notification.objects.filter(
            recipient_id=review.author_id,
            kind=Notification.Kind.HELPFUL_MILESTONE,
            data__review=review.pk,
            data__milestone=count,
        ).exists()
    ):
        return
    notify(
        recipient=review.author,
        kind=Notification.Kind.HELPFUL_MILESTONE,
        title=f"{count} {'person' if count == 1 else 'people'} found your review helpful",
        body=f"“{review.title}”",
        url=review.get_absolute_url(),
        data={"review": review.pk, "milestone": count},
    )


@transaction.atomic
def _vote_cast_once(*, user: User, review: Review, helpful: bool) -> HelpfulVote:
    vote = HelpfulVote.objects.select_for_update().filter(user=user, review=review).first()
    now = timezone.now()
    if vote is None:
        vote = HelpfulVote.objects.create(user=user, review=review, helpful=helpful, created_at=now, updated_at=now)
        # The tally first: the counter update locks the review's row, which every voter on a
        # popular review waits for, so it comes as late as possible before the commit.
        vote_tally_move(voter_id=user.pk, author_id=review.author_id, votes=1, helpful_votes=int(helpful))
        _bump(review.pk, helpful_count=int(helpful), not_helpful_count=int(not helpful))
        if helpful:
            _notify_helpful_milestone(review)
    elif vote.helpful != helpful:
        HelpfulVote.objects.filter(pk=vote.pk).update(helpful=helpful, updated_at=now)
        vote.helpful, vote.updated_at = helpful, now
        step = 1 if helpful else -1
        vote_tally_move(voter_id=user.pk, author_id=review.author_id, votes=0, helpful_votes=step)
        _bump(review.pk, helpful_count=step, not_helpful_count=-step)
        if helpful:
            _notify_helpful_milestone(review)
    return vote


@transaction.atomic
def vote_remove(*, user: User, review: Review) -> bool:
    """Withdraw the user's vote. Returns False when there was none."""
    if connection.vendor == "postgresql" and _vote_cascades() is not None:
        outcome = _vote_delete_sql(voter_id=user.pk, review_id=review.pk, published_only=False)
        return outcome is not None and outcome[0]
    vote = HelpfulVote.objects.select_for_update().filter(user=user, review=review).first()
    if vote is None:
        return False
    vote.delete()
    vote_tally_move(voter_id=user.pk, author_id=review.author_id, votes=-1, helpful_votes=-int(vote.helpful))
    _bump(review.pk, helpful_count=-int(vote.helpful), not_helpful_count=-int(not vote.helpful))
    return True


# --- votes on PostgreSQL: one round trip each ----------------------------------------------------
#
# The ORM path above costs about ten round trips per vote (review, vote lock, the brand check,
# insert, tally, counter, milestone, re-read) and most of a vote's CPU. On PostgreSQL a vote is one
# round trip instead, two statements sent together in the caller's transaction:
# 1. pg_advisory_xact_lock(voter, review): one person's requests on one review (two tabs, a
#    double click) run one after the other, as the ORM path's SELECT ... FOR UPDATE of the vote
#    row makes them, and also when no vote row exists yet. Without it, a withdrawal racing a
#    change of the same vote could move the counters by the wrong row version (a concurrency
#    test caught counters going negative). The two-integer key space is apart from the bigint
#    one of the rerank job's lock. The next statement's snapshot is taken after the lock.
# 2. one statement applying the same rules in SQL:
#    - only published reviews, never one's own, never a review of a product of one's brand (the
#      rule of brands.signals.refuse_brand_votes, which this statement does not fire: it is
#      restated in the WHERE below; tests/reviews/test_vote_api.py fails when a new hook on votes
#      appears);
#    - one vote per person per review: INSERT ... ON CONFLICT DO UPDATE on the unique (user,
#      review); its WHERE makes the same vote again change nothing (no row, no counter moved);
#    - the review's counters and the voter's tally move by the deltas of what the upsert did, and
#      the counter UPDATE returns the new counts (its row lock orders concurrent voters, as before).
#    No row at all means refused: the callers then take the ORM path, which raises the reason.
# Ids beyond 2**31 fold onto others: two pairs may then wait for each other, harmlessly.
_VOTE_LOCK = "SELECT pg_advisory_xact_lock(mod(%(voter)s, 2147483647)::int4, mod(%(review)s, 2147483647)::int4);"


def _client_bound_cursor():
    """A cursor of the connection that binds values client-side: two statements then travel in
    one message. The connection's own cursors bind server-side when prepared statements are on
    (DATABASE_PREPARE_THRESHOLD), and a prepared statement holds one command."""
    from django.db.backends.postgresql.base import Cursor  # noqa: PLC0415 - PostgreSQL only

    connection.ensure_connection()
    raw = Cursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def _vote_round_trip(statement: str, params: dict) -> tuple | None:
    """The pair's lock and one vote statement, sent together; the statement's row (None: none)."""
    with _client_bound_cursor() as cursor:
        cursor.execute(_VOTE_LOCK + statement, params)
        cursor.nextset()  # past the lock's result
        return cursor.fetchone()


@dataclass(frozen=True, slots=True)
class _VoteOutcome:
    vote_id: int | None  # None: the same vote again, nothing changed
    created_at: datetime | None
    updated_at: datetime | None
    helpful_count: int
    not_helpful_count: int


@cache
def _vote_put_statement() -> str:
    review, vote, tally = Review._meta.db_table, HelpfulVote._meta.db_table, VoteTally._meta.db_table
    product, member = Product._meta.db_table, BrandMembership._meta.db_table
    # xmax = 0 only on a row version this INSERT created; a row changed by DO UPDATE carries the
    # lock ON CONFLICT took (the usual PostgreSQL idiom for "inserted or updated").
    return f"""
WITH target AS (
    SELECT r.id, r.author_id, r.helpful_count, r.not_helpful_count FROM {review} r
    WHERE r.id = %(review)s AND r.status = %(published)s AND r.author_id <> %(voter)s
      AND NOT EXISTS (
        SELECT 1 FROM {member} m JOIN {product} p ON p.brand_id = m.brand_id
        WHERE p.id = r.product_id AND m.user_id = %(voter)s)
), vote AS (
    INSERT INTO {vote} AS v (user_id, review_id, helpful, created_at, updated_at)
    SELECT %(voter)s, target.id, %(helpful)s, %(now)s, %(now)s FROM target
    ON CONFLICT (user_id, review_id) DO UPDATE SET helpful = EXCLUDED.helpful, updated_at = EXCLUDED.updated_at
    WHERE v.helpful <> EXCLUDED.helpful
    RETURNING v.id, v.created_at, v.updated_at, v.xmax = 0 AS created
), delta AS (
    SELECT CASE WHEN created THEN 1 ELSE 0 END AS votes,
           CASE WHEN created THEN %(new_up)s ELSE %(step)s END AS up,
           CASE WHEN created THEN %(new_down)s ELSE %(neg_step)s END AS down
    FROM vote
), tally AS (
    INSERT INTO {tally} AS t (voter_id, author_id, votes, helpful_votes)
    SELECT %(voter)s, target.author_id, delta.votes, delta.up FROM target, delta
    ON CONFLICT (voter_id, author_id) DO UPDATE
    SET votes = t.votes + EXCLUDED.votes, helpful_votes = t.helpful_votes + EXCLUDED.helpful_votes
), counted AS (
    UPDATE {review} r SET helpful_count = r.helpful_count + delta.up,
        not_helpful_count = r.not_helpful_count + delta.down, changed_at = %(now)s
    FROM delta WHERE r.id = %(review)s
    RETURNING r.helpful_count, r.not_helpful_count
)
SELECT vote.id, vote.created_at, vote.updated_at,
       COALESCE(counted.helpful_count, target.helpful_count),
       COALESCE(counted.not_helpful_count, target.not_helpful_count),
       target.author_id
FROM target LEFT JOIN vote ON true LEFT JOIN counted ON true
"""  # noqa: S608 # nosec B608 # model table names only


def _vote_put_sql(*, voter_id: int, review_id: int, helpful: bool) -> _VoteOutcome | None:
    """The vote in one round trip (the lock, then the vote), in the caller's transaction; None
    when refused."""
    step = 1 if helpful else -1
    params = {
        "voter": voter_id,
        "review": review_id,
        "helpful": helpful,
        "published": Review.Status.PUBLISHED.value,
        "now": timezone.now(),
        "new_up": int(helpful),
        "new_down": int(not helpful),
        "step": step,
        "neg_step": -step,
    }
    row = _vote_round_trip(_vote_put_statement(), params)
    if row is None:
        return None
    outcome = _VoteOutcome(*row[:5])
    if helpful and outcome.vote_id is not None and outcome.helpful_count in HELPFUL_MILESTONES:
        _notify_helpful_milestone(Review.objects.get(pk=review_id), outcome.helpful_count)
    return outcome


@cache
def _vote_cascades() -> tuple[tuple[str, str], ...] | None:
    """(table, column) of the rows a deleted vote takes with it (ranking's flagged votes), or
    None when something about them needs the ORM's deletion (another on_delete, deeper cascades
    or delete signals), which vote_delete then uses."""
    cascades = []
    for relation in get_candidate_relations_to_delete(HelpfulVote._meta):  # what Collector follows
        model = relation.related_model
        if relation.on_delete is DO_NOTHING:
            continue
        if (
            relation.on_delete is not CASCADE
            or relation.many_to_many
            or any(get_candidate_relations_to_delete(model._meta))
            or pre_delete.has_listeners(model)
            or post_delete.has_listeners(model)
        ):
            return None
        cascades.append((model._meta.db_table, relation.field.column))
    if pre_delete.has_listeners(HelpfulVote) or post_delete.has_listeners(HelpfulVote):
        return None
    return tuple(cascades)


@cache
def _vote_delete_statement() -> str:
    review, vote, tally = Review._meta.db_table, HelpfulVote._meta.db_table, VoteTally._meta.db_table
    cascades = "".join(
        f", cascade_{i} AS (DELETE FROM {table} WHERE {column} IN (SELECT id FROM gone))"  # noqa: S608 # nosec B608
        for i, (table, column) in enumerate(_vote_cascades() or ())
    )
    return f"""
WITH target AS (
    SELECT r.id, r.author_id, r.helpful_count, r.not_helpful_count FROM {review} r
    WHERE r.id = %(review)s AND (%(published)s::text IS NULL OR r.status = %(published)s)
), gone AS (
    DELETE FROM {vote} v USING target
    WHERE v.user_id = %(voter)s AND v.review_id = target.id
    RETURNING v.id, CASE WHEN v.helpful THEN 1 ELSE 0 END AS up, CASE WHEN v.helpful THEN 0 ELSE 1 END AS down
){cascades}, tally AS (
    UPDATE {tally} t SET votes = t.votes - 1, helpful_votes = t.helpful_votes - gone.up
    FROM target, gone WHERE t.voter_id = %(voter)s AND t.author_id = target.author_id
    RETURNING t.votes
), counted AS (
    UPDATE {review} r SET helpful_count = r.helpful_count - gone.up,
        not_helpful_count = r.not_helpful_count - gone.down, changed_at = %(now)s
    FROM gone WHERE r.id = %(review)s
    RETURNING r.helpful_count, r.not_helpful_count
)
SELECT counted.helpful_count IS NOT NULL,
       COALESCE(counted.helpful_count, target.helpful_count),
       COALESCE(counted.not_helpful_count, target.not_helpful_count),
       target.author_id, (SELECT votes FROM tally)
FROM target LEFT JOIN counted ON true
"""  # noqa: S608 # nosec B608 # model table names only


def _vote_delete_sql(*, voter_id: int, review_id: int, published_only: bool) -> tuple[bool, int, int] | None:
    """vote_remove in one round trip (the lock, then one statement; one more when the voter's
    tally on the author empties), in the caller's transaction. Returns (whether a vote was withdrawn, the review's counters), or None
    when there is no such review (published_only: no such published review)."""
    params = {
        "voter": voter_id,
        "review": review_id,
        "published": Review.Status.PUBLISHED.value if published_only else None,
        "now": timezone.now(),
    }
    row = _vote_round_trip(_vote_delete_statement(), params)
    if row is None:
        return None
    removed, helpful_count, not_helpful_count, author_id, tally_votes = row
    if tally_votes is not None and tally_votes <= 0:
        # Not in the statement: a row changed by one part of a statement cannot be deleted by another.
        VoteTally.objects.filter(voter_id=voter_id, author_id=author_id, votes__lte=0).delete()
    return removed, helpful_count, not_helpful_count


@transaction.atomic
def comment_create(*, author: User, review: Review, body: str) -> Comment:
    _ensure_can_write(author)
    body = body.strip()
    if not body:
        raise ValidationError({"body": ["A comment cannot be empty."]})
    comment = Comment(author=author, review=review, body=body)
    check_fields(comment, "body")
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError({"review": ["Only published reviews can be commented on."]})
    comment.save(force_insert=True)
    _bump(review.pk, comment_count=1)
    if review.author_id != author.pk:
        notify(
            recipient=review.author,
            kind=Notification.Kind.COMMENT,
            title=f"{author.public_name} commented on your review",
            body=body[:200],
            url=f"{review.get_absolute_url()}#comment-{comment.pk}",
            data={"review": review.pk, "comment": comment.pk, "by": author.username},
        )
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, user: User, body: str) -> Comment:
    if not comment.can_edit(user):
        raise PermissionDenied("Only the author can edit this comment.")
    body = body.strip()
    if not body:
        raise ValidationError({"body": ["A comment cannot be empty."]})
    check_fields(Comment(body=body), "body")
    Comment.objects.filter(pk=comment.pk).update(body=body, edited_at=timezone.now())
    comment.refresh_from_db()
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: User) -> None:
    if not user.is_authenticated or user.pk != comment.author_id:
        raise PermissionDenied("Only the author can delete this comment.")
    # Read the status under a lock: a moderator may have hidden it (and counted it out) meanwhile.
    status = Comment.objects.select_for_update().filter(pk=comment.pk).values_list("status", flat=True).first()
    deleted, _ = Comment.objects.filter(pk=comment.pk).delete()
    if deleted and status == Comment.Status.PUBLISHED:
        _bump(comment.review_id, comment_count=-1)


@transaction.atomic
def save_add(*, user: User, review: Review) -> bool:
    """Add a review to the user's collection. Returns False when it was already saved."""
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError({"review": ["Only published reviews can be saved."]})
    _save, created = Save.objects.get_or_create(user=user, review=review)
    if created:
        _bump(review.pk, save_count=1)
    return created


@transaction.atomic
def save_remove(*, user: User, review: Review) -> bool:
    deleted, _ = Save.objects.filter(user=user, review=review).delete()
    if deleted:
        _bump(review.pk, save_count=-1)
    return bool(deleted)
