"""Moderation and curation: reports and the queue they feed, the audit log, pinned
announcements and category editor's picks.

The decisions themselves change rows of other apps (a review's status, a user's suspension, a
ranking feature, a fraud flag's status); moderation.services makes them, one transaction each,
and records every one in the audit log.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models import Category, Comment, Review

# How much each report reason weighs in the queue order (higher first).
REASON_SEVERITY = {
    "offensive": 4,
    "fake": 3,
    "spam": 2,
    "wrong_product": 1,
    "other": 1,
}
# Queue priority = severity * PRIORITY_SEVERITY_STEP + weighted reports in hundredths (each
# report weighed by its reporter's trust, moderation.trust), so one integer orders by severity
# first and trusted reports second (and makes a cursor-pagination key).
PRIORITY_SEVERITY_STEP = 100_000
MAX_PINNED_ANNOUNCEMENTS = 3
MAX_EDITORS_PICKS = 12


class QueueItem(models.Model):
    """One reported review or comment in the moderator queue. There is one row per reported
    item; a new report on a closed item reopens it. The figures count only its open reports."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Resolution(models.TextChoices):
        HIDDEN = "hidden", _("Hidden")
        REMOVED = "removed", _("Removed")
        DISMISSED = "dismissed", _("Dismissed")

    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("review")
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("comment")
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, verbose_name=_("status"))
    # Highest severity among the open reports (REASON_SEVERITY).
    severity = models.PositiveSmallIntegerField(default=0, verbose_name=_("severity"))
    # Distinct people reporting it, not counting members of the reviewed product's brand (a
    # brand must not be able to push its critics up the queue); report_count counts every one.
    reporter_count = models.PositiveIntegerField(default=0, verbose_name=_("reporter count"))
    report_count = models.PositiveIntegerField(default=0, verbose_name=_("report count"))
    priority = models.PositiveIntegerField(default=0, verbose_name=_("priority"))
    opened_at = models.DateTimeField(default=timezone.now, verbose_name=_("opened at"))
    last_reported_at = models.DateTimeField(default=timezone.now, verbose_name=_("last reported at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True, verbose_name=_("resolution"))

    class Meta:
        verbose_name = _("queue item")
        verbose_name_plural = _("queue items")
        ordering = ["-priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review__isnull=False, comment__isnull=True) | Q(review__isnull=True, comment__isnull=False),
                name="queue_item_one_target",
            ),
            models.UniqueConstraint(
                fields=["review"], condition=Q(review__isnull=False), name="queue_item_review_once"
            ),
            models.UniqueConstraint(
                fields=["comment"], condition=Q(comment__isnull=False), name="queue_item_comment_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "-priority", "id"], name="queue_item_order")]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} ({self.status})"

    @property
    def weighted_reports(self) -> float:
        """The open reports weighed by reporter trust, as of the last report (see priority)."""
        return (self.priority % PRIORITY_SEVERITY_STEP) / 100

    @property
    def target_type(self) -> str:
        return "review" if self.review_id else "comment"

    @property
    def target_id(self) -> int:
        return self.review_id or self.comment_id

    @property
    def target(self) -> Review | Comment:
        return self.review if self.review_id else self.comment


class Report(models.Model):
    """A member's report of a review or comment. One open report per member per item."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        FAKE = "fake", _("Fake, or paid without disclosure")
        OFFENSIVE = "offensive", _("Offensive")
        WRONG_PRODUCT = "wrong_product", _("Wrong product")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIONED = "actioned", _("Action taken")
        DISMISSED = "dismissed", _("Dismissed")

    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="reports", verbose_name=_("queue item"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_reports",
        verbose_name=_("reporter"),
    )
    reason = models.CharField(max_length=16, choices=Reason.choices, verbose_name=_("report reason"))
    note = models.TextField(max_length=1000, blank=True, verbose_name=_("note"))
    severity = models.PositiveSmallIntegerField(verbose_name=_("severity"))
    # Filed by a member of the brand whose product is reviewed: shown to moderators, and not
    # counted among the reporters that order the queue.
    by_brand = models.BooleanField(default=False, verbose_name=_("by a brand member"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, verbose_name=_("status"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "item"], condition=Q(status="open"), name="one_open_report_per_user_per_item"
            ),
            models.CheckConstraint(condition=Q(severity__gte=1), name="report_severity_positive"),
        ]
        indexes = [
            models.Index(fields=["item", "status"], name="report_item_status"),
            models.Index(fields=["reporter", "-created_at", "-id"], name="report_reporter"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} by {self.reporter_id} on {self.item_id}"


class AuditImmutableError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    """Audit entries are written once and never changed or deleted through the ORM."""

    def update(self, **kwargs):
        raise AuditImmutableError("Audit entries cannot be changed.")

    def delete(self):
        raise AuditImmutableError("Audit entries cannot be deleted.")

    # bulk_update would bypass save(); refuse it too.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError("Audit entries cannot be changed.")


class AuditEntry(models.Model):
    """Who did what to what, when, why, and the state before and after. Written by
    moderation.services (and mirrored from Django admin's log); read-only everywhere else.

    The people are kept as ids without a database constraint (plus a username snapshot), so
    deleting an account never rewrites or removes history.
    """

    class Action(models.TextChoices):
        REVIEW_HIDE = "review_hide", _("Hid a review")
        REVIEW_RESTORE = "review_restore", _("Restored a review")
        REVIEW_REMOVE = "review_remove", _("Removed a review")
        COMMENT_HIDE = "comment_hide", _("Hid a comment")
        COMMENT_RESTORE = "comment_restore", _("Restored a comment")
        COMMENT_REMOVE = "comment_remove", _("Removed a comment")
        REPORTS_DISMISS = "reports_dismiss", _("Dismissed reports")
        USER_WARN = "user_warn", _("Warned a member")
        USER_SUSPEND = "user_suspend", _("Suspended a member")
        USER_UNSUSPEND = "user_unsuspend", _("Lifted a suspension")
        USER_BAN = "user_ban", _("Banned a member")
        USER_UNBAN = "user_unban", _("Lifted a ban")
        REVIEW_FEATURE = "review_feature", _("Featured a review")
        REVIEW_UNFEATURE = "review_unfeature", _("Ended a feature")
        ANNOUNCEMENT_CREATE = "announcement_create", _("Posted an announcement")
        ANNOUNCEMENT_UPDATE = "announcement_update", _("Changed an announcement")
        EDITORS_PICKS_SET = "editors_picks_set", _("Changed editor's picks")
        FRAUD_CONFIRM = "fraud_confirm", _("Confirmed a fraud flag")
        FRAUD_DISMISS = "fraud_dismiss", _("Dismissed a fraud flag")
        FRAUD_REOPEN = "fraud_reopen", _("Reopened a fraud flag")
        ADMIN_ADD = "admin_add", _("Added in the admin")
        ADMIN_CHANGE = "admin_change", _("Changed in the admin")
        ADMIN_DELETE = "admin_delete", _("Deleted in the admin")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(max_length=150, verbose_name=_("actor username"))
    action = models.CharField(max_length=24, choices=Action.choices, verbose_name=_("action"))
    # What was acted on: review, comment, user, queue_item, fraud_flag, announcement, category,
    # or "<app>.<model>" for admin changes.
    target_type = models.CharField(max_length=60, verbose_name=_("target type"))
    target_id = models.CharField(max_length=64, verbose_name=_("target id"))
    # Whose content or account it was, so members can see the decisions about them.
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("target user"),
    )
    target_username = models.CharField(max_length=150, blank=True, verbose_name=_("target username"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    # Datetimes are stored as ISO 8601 strings.
    before = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder, verbose_name=_("before"))
    after = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder, verbose_name=_("after"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="audit_newest"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["target_user", "-created_at"], name="audit_target_user"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit entries cannot be deleted.")


class Announcement(models.Model):
    """A notice moderators pin above Discover (at most MAX_PINNED_ANNOUNCEMENTS at a time)."""

    class Tone(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")

    title = models.CharField(max_length=120, verbose_name=_("title"))
    body = models.TextField(max_length=1000, blank=True, verbose_name=_("body"))
    link_url = models.CharField(max_length=300, blank=True, verbose_name=_("link URL"))
    tone = models.CharField(max_length=8, choices=Tone.choices, default=Tone.INFO, verbose_name=_("tone"))
    pinned = models.BooleanField(default=True, verbose_name=_("pinned"))
    starts_at = models.DateTimeField(default=timezone.now, verbose_name=_("starts at"))
    ends_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ends at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="announcement_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["-starts_at"], condition=Q(pinned=True), name="announcement_pinned")]

    def __str__(self) -> str:
        return self.title

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.pinned and self.starts_at <= now and (self.ends_at is None or self.ends_at > now)


class EditorsPick(models.Model):
    """A review moderators chose for a category page, in their order."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="editors_picks", verbose_name=_("review"))
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("note"))
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("picked by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("editor's pick")
        verbose_name_plural = _("editors' picks")
        ordering = ["category", "position"]
        constraints = [
            models.UniqueConstraint(fields=["category", "review"], name="editors_pick_once"),
            models.UniqueConstraint(fields=["category", "position"], name="editors_pick_position"),
        ]

    def __str__(self) -> str:
        return f"pick {self.position} in {self.category_id}: review {self.review_id}"
