"""Reads on accounts that need more than a filter."""

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import Follow, Notification, User


def _per_user(aggregate, **filters) -> Coalesce:
    """A correlated subquery computing `aggregate` for the outer user.

    Separate subqueries rather than joined Counts: joining follows and reviews in one query
    would multiply the rows, and the counts with them.
    """
    inner = User.objects.filter(pk=OuterRef("pk"), **filters).annotate(value=aggregate).values("value")[:1]
    return Coalesce(Subquery(inner, output_field=IntegerField()), 0)


def users_with_public_counts(viewer=None) -> QuerySet[User]:
    """Active users annotated with what a public profile shows, in one query."""
    published = Q(reviews__status="published")
    qs = User.objects.filter(is_active=True).annotate(
        followers_count=_per_user(Count("follower_links")),
        following_count=_per_user(Count("following_links")),
        review_count=_per_user(Count("reviews", filter=published)),
        helpful_received=_per_user(Sum("reviews__helpful_count", filter=published)),
    )
    if viewer is not None and viewer.is_authenticated:
        qs = qs.annotate(is_followed=Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("pk"))))
    return qs.prefetch_related("interest_categories")


def followers_of(user: User) -> QuerySet[User]:
    """Users following `user`, annotated with `followed_at`."""
    return User.objects.filter(following_links__followee=user, is_active=True).annotate(
        followed_at=F("following_links__created_at")
    )


def following_of(user: User) -> QuerySet[User]:
    """Users `user` follows, annotated with `followed_at`."""
    return User.objects.filter(follower_links__follower=user, is_active=True).annotate(
        followed_at=F("follower_links__created_at")
    )


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User, *, limit: int) -> list[Notification]:
    """The user's latest notifications, newest first, with the unread helpful-vote milestones of one
    review folded into a single line: the highest milestone says it all ("10 people found your
    review helpful"), so the lower ones only repeat it. Read ones stay as they were. Each returned
    notification carries `folded`, how many others it stands for."""
    latest = list(Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit])
    shown: list[Notification] = []
    groups: dict[object, Notification] = {}
    for note in latest:
        note.folded = 0
        review = note.data.get("review") if isinstance(note.data, dict) else None
        if note.kind != Notification.Kind.HELPFUL_MILESTONE or note.read_at is not None or review is None:
            shown.append(note)
            continue
        first = groups.get(review)
        if first is None:
            groups[review] = note
            shown.append(note)
            continue
        # Keep the newest line's place, the highest milestone's words.
        first.folded += 1
        if note.data.get("milestone", 0) > first.data.get("milestone", 0):
            first.title, first.data = note.title, note.data
    return shown
