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
