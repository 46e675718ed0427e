"""Writes on reviews and everything hanging off them. Each function is one transaction.

Counters shown to users move only through `F()` expressions in the same transaction as the row
they count, so concurrent writers never lose an update.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

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
# Sent (kwarg review_id) inside the edit's transaction, right after the edit's update: listeners
# that keep rows derived from the text (the search index) write them in the same transaction.
review_edited = Signal()


def _ensure_can_write(user: User) -> None:
    if user.is_suspended:
        raise PermissionDenied(gettext("Your account is suspended."))


def normalize_tags(raw_tags: Iterable[str]) -> list[str]:
    """Lower-case slugs, de-duplicated in order. Raises ValidationError on 'tags'."""
    names: list[str] = []
    for raw in raw_tags:
        if len(str(raw)) > MAX_TAG_INPUT_LENGTH:
            raise ValidationError(
                {"tags": [gettext("A tag has at most %(max)s characters.") % {"max": MAX_TAG_INPUT_LENGTH}]}
            )
        name = slugify(str(raw).strip().lstrip("#"), allow_unicode=True)[:30]
        if not name:
            raise ValidationError({"tags": [gettext("'%(tag)s' is not a usable tag.") % {"tag": raw}]})
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS_PER_REVIEW:
        raise ValidationError({"tags": [gettext("At most %(max)s tags per review.") % {"max": MAX_TAGS_PER_REVIEW}]})
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
    *,
    brand: Brand,
    category: Category,
    name: str,
    description: str = "",
    name_en: str = "",
    name_zh: str = "",
    created_by: User | None = None,
) -> Product:
    """Create a product, or return the brand's existing product of the same name. Raises
    ValidationError naming the field for a blank or too long name or description. `name_en` and
    `name_zh`: its name in English and in Chinese where it differs (reviews/names.py)."""
    name, description, name_en, name_zh = name.strip(), description.strip(), name_en.strip(), name_zh.strip()
    if not name:
        raise ValidationError({"name": [gettext("A product needs a name.")]})
    check_fields(
        Product(brand=brand, category=category, name=name, name_en=name_en, name_zh=name_zh, description=description),
        "name",
        "name_en",
        "name_zh",
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
                name_en=name_en,
                name_zh=name_zh,
                description=description,
                slug=_unique_slug(Product, f"{brand.name} {name}"),
                created_by=created_by,
            )
    except IntegrityError:
        # Someone added the same product (or took the slug) a moment ago.
        existing = Product.objects.filter(brand=brand, name__iexact=name).first()
        if existing:
            return existing
        raise ValidationError({"name": [gettext("This product could not be added; please try again.")]}) from None


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
        raise ValidationError(
            {"photos": [gettext("At most %(max)s photos per review.") % {"max": settings.PHOTOS_PER_REVIEW_MAX}]}
        )
    processed = _process_photos(photos)
    with transaction.atomic():
        if Review.objects.filter(author=author, product=product).exists():
            raise ValidationError(
                {"product": [gettext("You have already reviewed this product; edit that review instead.")]}
            )
        try:
            with transaction.atomic():
                review.save(force_insert=True)
        except IntegrityError:
            # A concurrent request by the same author won the race to the unique constraint.
            raise ValidationError(
                {"product": [gettext("You have already reviewed this product; edit that review instead.")]}
            ) from None
        _set_tags(review, tag_names)
        _attach_photos(review, processed, start=0)
    return review


@transaction.atomic
def review_update(*, review: Review, editor: User, **changes) -> Review:
    """Edit a review's rating, title, body or tags. Keeps created_at; marks it edited. Raises
    ValidationError naming the field for a value review_create would refuse."""
    if not review.can_edit(editor):
        raise PermissionDenied(gettext("Only the author can edit this review."))
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
        Review.objects.filter(pk=review.pk).update(**fields, edited_at=now)
        review_edited.send(sender=Review, review_id=review.pk)
        transaction.on_commit(lambda: review_changed.send(sender=Review, review_id=review.pk))
    review.refresh_from_db()
    return review


@transaction.atomic
def review_delete(*, review: Review, user: User) -> None:
    if not user.is_authenticated or user.pk != review.author_id:
        raise PermissionDenied(gettext("Only the author can delete this review."))
    review.delete()


def review_add_photos(*, review: Review, user: User, photos: Sequence) -> list[ReviewPhoto]:
    """Attach photos after the review's own. Returns all the review's photos afterwards, read
    from the database (not `review.photos`, which a caller's prefetch may hold from before)."""
    if not review.can_edit(user):
        raise PermissionDenied(gettext("Only the author can add photos."))
    if not photos:
        raise ValidationError({"photos": [gettext("Attach at least one photo.")]})
    processed = _process_photos(photos)
    with transaction.atomic():
        # Lock the review so two uploads cannot take the same positions or exceed the limit.
        Review.objects.select_for_update().filter(pk=review.pk).first()
        existing = list(review.photos.values_list("position", flat=True))
        if len(existing) + len(processed) > settings.PHOTOS_PER_REVIEW_MAX:
            raise ValidationError(
                {"photos": [gettext("At most %(max)s photos per review.") % {"max": settings.PHOTOS_PER_REVIEW_MAX}]}
            )
        _attach_photos(review, processed, start=max(existing, default=-1) + 1)
        Review.objects.filter(pk=review.pk).update(edited_at=timezone.now())
    return list(ReviewPhoto.objects.filter(review=review).order_by("position"))


@transaction.atomic
def review_delete_photo(*, photo: ReviewPhoto, user: User) -> None:
    if not photo.review.can_edit(user):
        raise PermissionDenied(gettext("Only the author can remove photos."))
    photo.delete()
    Review.objects.filter(pk=photo.review_id).update(edited_at=timezone.now())


@transaction.atomic
def review_status_set(*, review: Review, status: str) -> Review:
    """Publish, hide or remove a review (moderation decides which, and records why). Marks it
    changed, so the next incremental rerank rescores it (hidden and removed reviews are never
    ranked). Updates `review` in place (its status, and changed_at as the database set it) and
    returns it."""
    Review.objects.filter(pk=review.pk).update(status=status)
    review.status = status
    review.changed_at = Review.objects.values_list("changed_at", flat=True).get(pk=review.pk)
    return review


def _bump(review_id: int, **deltas: int) -> None:
    """Apply counter deltas atomically in SQL (the database marks the review changed)."""
    updates = {name: F(name) + delta for name, delta in deltas.items() if delta}
    if updates:
        Review.objects.filter(pk=review_id).update(**updates)


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


# --- votes ---------------------------------------------------------------------------------------
#
# One path for every vote, on SQLite and PostgreSQL alike (the web form's vote_cast/vote_remove,
# the API's vote_put/vote_delete, the admin and the brand services all come through here). Each
# rule is stated once, in _vote_write and _vote_withdraw:
# - only published reviews take votes (_VOTE_TARGET's WHERE; Review.DoesNotExist otherwise);
# - never on one's own review, never while suspended, never on a review of a product of the
#   brand one speaks for (the voter's BrandMembership, read by _VOTE_TARGET in the same query);
# - one vote per person per review, a new vote replacing the old one: the unique constraint on
#   (user, review) and compare-and-set writes (an INSERT that does nothing on a conflict, an UPDATE
#   or DELETE that requires the old value) make concurrent requests of one voter (two tabs, a double
#   click) apply one after the other: a write that finds the row changed since it was read writes
#   nothing, and the vote is read and tried again (under READ COMMITTED each statement sees the
#   latest committed row);
# - the review's counters and the voter's tally on the author move by the deltas of what was
#   written, in the vote's transaction; the same vote again writes nothing.
# The statements are plain SQL both databases run (INSERT ... ON CONFLICT, RETURNING: SQLite 3.35+),
# so a vote costs four statements on either: the read, the vote, the tally, the counters.
# Votes are inserted and changed in SQL, so no pre_save/post_save hook on HelpfulVote runs
# (tests/reviews/test_vote_api.py fails when one appears); withdrawals go through the ORM's
# delete, which follows the votes' cascades (ranking's flagged votes) and signals.

_VOTE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class VoteState:
    """A voter's vote on a review after a change (None: no vote) and the review's counters."""

    helpful: bool | None
    helpful_count: int
    not_helpful_count: int


@dataclass(frozen=True, slots=True)
class _VoteTarget:
    author_id: int
    helpful_count: int
    not_helpful_count: int
    voter_is_brand_member: bool
    vote_id: int | None  # the voter's vote as read (None: none)
    vote_helpful: bool | None


@cache
def _vote_target_sql(published_only: bool) -> str:
    review, vote, product = Review._meta.db_table, HelpfulVote._meta.db_table, Product._meta.db_table
    member = BrandMembership._meta.db_table
    return f"""
SELECT r.author_id, r.helpful_count, r.not_helpful_count,
       EXISTS (SELECT 1 FROM {member} m JOIN {product} p ON p.brand_id = m.brand_id
               WHERE p.id = r.product_id AND m.user_id = %(voter)s),
       v.id, v.helpful
FROM {review} r LEFT JOIN {vote} v ON v.review_id = r.id AND v.user_id = %(voter)s
WHERE r.id = %(review)s{" AND r.status = %(published)s" if published_only else ""}
"""  # noqa: S608 # nosec B608 # model table names only


def _vote_target(*, voter_id: int, review_id: int, published_only: bool = True) -> _VoteTarget:
    """The review, whether the voter speaks for its product's brand and the voter's vote, in one
    query. Raises Review.DoesNotExist when there is no such (published) review."""
    low, high = connection.ops.integer_field_range(Review._meta.pk.get_internal_type())
    if not low <= review_id <= high:  # no row has it, and SQLite cannot even take it as a parameter
        raise Review.DoesNotExist
    params = {"voter": voter_id, "review": review_id, "published": Review.Status.PUBLISHED.value}
    with connection.cursor() as cursor:
        cursor.execute(_vote_target_sql(published_only), params)
        row = cursor.fetchone()
    if row is None:
        raise Review.DoesNotExist
    author_id, up, down, member, vote_id, vote_helpful = row
    return _VoteTarget(author_id, up, down, bool(member), vote_id, None if vote_helpful is None else bool(vote_helpful))


def _sql_now():
    """timezone.now() as the database stores a DateTimeField (for the SQL below)."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _vote_insert(*, voter_id: int, review_id: int, helpful: bool) -> int | None:
    """Insert the vote; None when the voter's vote on the review exists already (a concurrent
    request's, which this statement waits for)."""
    table, now = HelpfulVote._meta.db_table, _sql_now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, review_id, helpful, created_at, updated_at) "  # noqa: S608 # nosec B608 # table name from the model
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (user_id, review_id) DO NOTHING RETURNING id",
            [voter_id, review_id, helpful, now, now],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _vote_counters_move(*, review_id: int, up: int, down: int) -> tuple[int, int]:
    """Move the review's counters (the database marks it changed); the counts after. The row
    lock this takes orders concurrent voters on one review, so it comes last before the commit."""
    table = Review._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET helpful_count = helpful_count + %s, not_helpful_count = not_helpful_count + %s "  # noqa: S608 # nosec B608 # table name from the model
            "WHERE id = %s RETURNING helpful_count, not_helpful_count",
            [up, down, review_id],
        )
        return cursor.fetchone()


def _vote_write(*, user: User, review_id: int, helpful: bool) -> tuple[int, VoteState]:
    """The one vote path: check the rules, then cast or change the vote. Returns the vote's id and
    the state after it. Raises Review.DoesNotExist (no published review has the id) or
    PermissionDenied (the voter's own review, a suspended voter, a review of their brand)."""
    for _attempt in range(_VOTE_ATTEMPTS):
        with transaction.atomic():
            target = _vote_target(voter_id=user.pk, review_id=review_id)
            if target.author_id == user.pk:
                raise PermissionDenied(gettext("You cannot vote on your own review."))
            _ensure_can_write(user)
            if target.voter_is_brand_member:
                # Brands never reorder reviews of their products.
                raise PermissionDenied(gettext("Members of a brand cannot vote on reviews of its products."))
            if target.vote_id is None:
                vote_id = _vote_insert(voter_id=user.pk, review_id=review_id, helpful=helpful)
                if vote_id is None:
                    continue  # the voter's other request voted first: read that vote
                votes, up, down = 1, int(helpful), int(not helpful)
            elif target.vote_helpful == helpful:
                return target.vote_id, VoteState(helpful, target.helpful_count, target.not_helpful_count)
            else:
                vote_id = target.vote_id
                changed = HelpfulVote.objects.filter(pk=vote_id, helpful=target.vote_helpful).update(
                    helpful=helpful, updated_at=timezone.now()
                )
                if not changed:
                    continue  # changed or withdrawn meanwhile: read it again
                votes, up = 0, 1 if helpful else -1
                down = -up
            vote_tally_move(voter_id=user.pk, author_id=target.author_id, votes=votes, helpful_votes=up)
            helpful_count, not_helpful_count = _vote_counters_move(review_id=review_id, up=up, down=down)
            if helpful:
                _notify_helpful_milestone(review_id, helpful_count)
            return vote_id, VoteState(helpful, helpful_count, not_helpful_count)
    raise ValidationError({"helpful": [gettext("Your vote could not be recorded; please retry.")]})


def _vote_withdraw(*, user: User, review_id: int, published_only: bool) -> tuple[bool, VoteState]:
    """Withdraw the user's vote (if any). Returns whether one was withdrawn and the state after.
    Raises Review.DoesNotExist when there is no such (published) review."""
    with transaction.atomic():
        target = _vote_target(voter_id=user.pk, review_id=review_id, published_only=published_only)
        # Locked (PostgreSQL; SQLite's writers take turns anyway): the deltas must be the deleted row's.
        vote = HelpfulVote.objects.select_for_update().filter(user=user, review_id=review_id).first()
        if vote is None:
            return False, VoteState(None, target.helpful_count, target.not_helpful_count)
        vote.delete()  # through the ORM: its cascades and signals
        up, down = int(vote.helpful), int(not vote.helpful)
        vote_tally_move(voter_id=user.pk, author_id=target.author_id, votes=-1, helpful_votes=-up)
        return True, VoteState(None, *_vote_counters_move(review_id=review_id, up=-up, down=-down))


def vote_put(*, user: User, review_id: int, helpful: bool) -> VoteState:
    """Cast or change the user's vote on a review by id (the vote API's PUT); the state after.
    Idempotent for the same value. Raises Review.DoesNotExist when no published review has the id,
    PermissionDenied for a vote the rules refuse."""
    return _vote_write(user=user, review_id=review_id, helpful=helpful)[1]


def vote_cast(*, user: User, review: Review, helpful: bool) -> HelpfulVote:
    """vote_put for a loaded review, answering the vote; ValidationError on 'review' when the
    review is not (or no longer) published."""
    try:
        vote_id, _state = _vote_write(user=user, review_id=review.pk, helpful=helpful)
    except Review.DoesNotExist:
        raise ValidationError({"review": [gettext("Only published reviews can be voted on.")]}) from None
    return HelpfulVote.objects.get(pk=vote_id)


def vote_delete(*, user: User, review_id: int) -> VoteState:
    """Withdraw the user's vote by review id (the vote API's DELETE); the counters after. Raises
    Review.DoesNotExist when no published review has the id."""
    return _vote_withdraw(user=user, review_id=review_id, published_only=True)[1]


def vote_remove(*, user: User, review: Review) -> bool:
    """Withdraw the user's vote, whatever the review's status (the admin, a member joining the
    review's brand). Returns False when there was none."""
    return _vote_withdraw(user=user, review_id=review.pk, published_only=False)[0]


def _notify_helpful_milestone(review_id: int, count: int) -> None:
    """Runs in the vote's transaction after the counter moved to `count`: the row lock makes each
    voter see a distinct count. A vote withdrawn and cast again does not repeat a milestone."""
    if count not in HELPFUL_MILESTONES:
        return
    review = Review.objects.select_related("author").get(pk=review_id)
    if Notification.objects.filter(
        recipient_id=review.author_id,
        kind=Notification.Kind.HELPFUL_MILESTONE,
        data__review=review.pk,
        data__milestone=count,
    ).exists():
        return
    notify(
        recipient=review.author,
        kind=Notification.Kind.HELPFUL_MILESTONE,
        url=review.get_absolute_url(),
        data={"review": review.pk, "milestone": count, "review_title": review.title},
    )


@transaction.atomic
def comment_create(*, author: User, review: Review, body: str) -> Comment:
    _ensure_can_write(author)
    body = body.strip()
    if not body:
        raise ValidationError({"body": [gettext("A comment cannot be empty.")]})
    comment = Comment(author=author, review=review, body=body)
    check_fields(comment, "body")
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError({"review": [gettext("Only published reviews can be commented on.")]})
    comment.save(force_insert=True)
    _bump(review.pk, comment_count=1)
    if review.author_id != author.pk:
        notify(
            recipient=review.author,
            kind=Notification.Kind.COMMENT,
            body=body[:200],
            url=f"{review.get_absolute_url()}#comment-{comment.pk}",
            data={"review": review.pk, "comment": comment.pk, "by": author.username, "by_name": author.public_name},
        )
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, user: User, body: str) -> Comment:
    if not comment.can_edit(user):
        raise PermissionDenied(gettext("Only the author can edit this comment."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": [gettext("A comment cannot be empty.")]})
    check_fields(Comment(body=body), "body")
    Comment.objects.filter(pk=comment.pk).update(body=body, edited_at=timezone.now())
    comment.refresh_from_db()
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: User) -> None:
    if not user.is_authenticated or user.pk != comment.author_id:
        raise PermissionDenied(gettext("Only the author can delete this comment."))
    # Read the status under a lock: a moderator may have hidden it (and counted it out) meanwhile.
    status = Comment.objects.select_for_update().filter(pk=comment.pk).values_list("status", flat=True).first()
    deleted, _ = Comment.objects.filter(pk=comment.pk).delete()
    if deleted and status == Comment.Status.PUBLISHED:
        _bump(comment.review_id, comment_count=-1)


@transaction.atomic
def comment_status_set(*, comment: Comment, status: str) -> int:
    """Publish, hide or remove a comment (moderation decides which, and records why), keeping its
    review's comment_count exact: it counts published comments only. The caller holds the
    comment's row lock (as comment_delete takes it), so the old status is the stored one. Updates
    `comment` in place; returns the change of the review's comment_count (-1, 0 or 1)."""
    delta = int(status == Comment.Status.PUBLISHED) - int(comment.status == Comment.Status.PUBLISHED)
    Comment.objects.filter(pk=comment.pk).update(status=status)
    if delta:
        _bump(comment.review_id, comment_count=delta)
    comment.status = status
    return delta


@transaction.atomic
def save_add(*, user: User, review: Review) -> bool:
    """Add a review to the user's collection. Returns False when it was already saved."""
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError({"review": [gettext("Only published reviews can be saved.")]})
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
