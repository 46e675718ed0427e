"""Reads for moderators and for the curated parts of the site. Every list loads what its page
shows with select_related/prefetch_related, so it costs a fixed number of queries."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from config import localcache
from ranking.models import FlaggedVote, FraudFlag
from reviews.models import Category, Comment, Review
from reviews.selectors import reviews_for_listing

from .models import Announcement, AuditEntry, EditorsPick, QueueItem, Report
from .services import MEMBER_VISIBLE_ACTIONS

FLAG_VOTES_SHOWN = 200


def _reports(status: str | None) -> Prefetch:
    reports = Report.objects.select_related("reporter").order_by("-created_at", "-id")
    if status:
        reports = reports.filter(status=status)
    return Prefetch("reports", queryset=reports, to_attr="shown_reports")


def queue(*, status: str = QueueItem.Status.OPEN) -> QuerySet[QueueItem]:
    """The moderator queue: reported reviews and comments, most severe first, then the most
    reporters, then the oldest. Open items carry their open reports (`shown_reports`), closed
    ones the reports they were closed with."""
    return (
        QueueItem.objects.filter(status=status)
        .select_related(
            "review__author",
            "review__product__brand",
            "comment__author",
            "comment__review__product__brand",
            "closed_by",
        )
        .prefetch_related(_reports(Report.Status.OPEN if status == QueueItem.Status.OPEN else None))
        .order_by("-priority", "id")
    )


def queue_item(pk: int) -> QueueItem | None:
    """One queue item with all its reports, newest first."""
    return (
        QueueItem.objects.filter(pk=pk)
        .select_related(
            "review__author",
            "review__product__brand",
            "comment__author",
            "comment__review__product__brand",
            "closed_by",
        )
        .prefetch_related(_reports(None))
        .first()
    )


def open_item_for(*, review: Review | None = None, comment: Comment | None = None) -> QueueItem | None:
    lookup = {"review": review} if review is not None else {"comment": comment}
    return QueueItem.objects.filter(status=QueueItem.Status.OPEN, **lookup).first()


def queue_counts() -> dict[str, int]:
    """How many reported items and fraud flags wait for a decision (for the queue's tabs)."""
    return {
        "reports": QueueItem.objects.filter(status=QueueItem.Status.OPEN).count(),
        "fraud": FraudFlag.objects.filter(status=FraudFlag.Status.OPEN).count(),
    }


def reports_by(user: User) -> QuerySet[Report]:
    """The reports a member filed, newest first, with what they were about."""
    return Report.objects.filter(reporter=user).select_related("item").order_by("-created_at", "-id")


def fraud_flags(*, status: str | None = FraudFlag.Status.OPEN) -> QuerySet[FraudFlag]:
    """The ranking job's vote-fraud flags with the accounts involved, newest first."""
    qs = FraudFlag.objects.select_related("reviewed_by").prefetch_related(
        Prefetch("accounts", queryset=User.objects.order_by("username"))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def fraud_flag(pk: int) -> FraudFlag | None:
    return fraud_flags(status=None).filter(pk=pk).first()


def fraud_flag_votes(flag: FraudFlag, limit: int = FLAG_VOTES_SHOWN) -> list[FlaggedVote]:
    """Who voted on whom, when: the flag's votes with voter, review and author, oldest first."""
    return list(
        FlaggedVote.objects.filter(flag=flag)
        .select_related("vote__user", "vote__review__author")
        .order_by("vote__created_at", "vote_id")[:limit]
    )


def audit_log(
    *,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    member: str | None = None,
) -> QuerySet[AuditEntry]:
    """The audit log, newest first, optionally narrowed (usernames as recorded at the time)."""
    qs = AuditEntry.objects.all()
    if actor:
        qs = qs.filter(actor_username__iexact=actor)
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if member:
        qs = qs.filter(target_username__iexact=member)
    return qs.order_by("-created_at", "-id")


def decisions_about(user: User) -> QuerySet[AuditEntry]:
    """Moderation decisions about a member's content and account, newest first."""
    return AuditEntry.objects.filter(target_user_id=user.pk, action__in=MEMBER_VISIBLE_ACTIONS).order_by(
        "-created_at", "-id"
    )


def latest_decision(*, review: Review | None = None, comment: Comment | None = None) -> AuditEntry | None:
    """The last hide/remove/restore of one review or comment (its reason is shown to the author)."""
    if review is not None:
        target_type, target_id = "review", review.pk
        actions = [AuditEntry.Action.REVIEW_HIDE, AuditEntry.Action.REVIEW_REMOVE, AuditEntry.Action.REVIEW_RESTORE]
    else:
        target_type, target_id = "comment", comment.pk
        actions = [
            AuditEntry.Action.COMMENT_HIDE,
            AuditEntry.Action.COMMENT_REMOVE,
            AuditEntry.Action.COMMENT_RESTORE,
        ]
    return (
        AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id), action__in=actions)
        .order_by("-created_at", "-id")
        .first()
    )


def live_announcements(now: datetime | None = None) -> QuerySet[Announcement]:
    """Pinned announcements running now, newest first."""
    now = now or timezone.now()
    return Announcement.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), pinned=True, starts_at__lte=now
    ).order_by("-starts_at", "-id")


def pinned_announcements_now() -> list[Announcement]:
    """live_announcements() for the top of Discover, from the pinned ones not yet ended, kept in
    this process (config.localcache): one that starts or ends meanwhile is judged by the clock
    at each call."""
    now = timezone.now()
    pinned = localcache.remembered(
        "pinned-announcements",
        lambda: list(Announcement.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), pinned=True)),
    )
    running = [a for a in pinned if a.starts_at <= now and (a.ends_at is None or a.ends_at > now)]
    return sorted(running, key=lambda a: (a.starts_at, a.pk), reverse=True)


def announcements() -> QuerySet[Announcement]:
    """Every announcement, newest first (for moderators)."""
    return Announcement.objects.select_related("created_by").order_by("-created_at", "-id")


def editors_picks(category: Category, viewer: User | None = None) -> QuerySet[Review]:
    """The category's editor's picks that are still published, in the editors' order, loaded
    like any feed card (reviews.selectors.reviews_for_listing) and annotated with
    `pick_position` and `pick_note`."""
    return (
        reviews_for_listing(viewer)
        .filter(editors_picks__category=category)
        .annotate(pick_position=F("editors_picks__position"), pick_note=F("editors_picks__note"))
        .order_by("pick_position", "id")
    )


def editors_pick_rows(category: Category) -> QuerySet[EditorsPick]:
    """Every pick of a category whatever its review's status (for moderators editing them)."""
    return (
        EditorsPick.objects.filter(category=category)
        .select_related("review__author", "review__product__brand", "picked_by")
        .order_by("position")
    )
