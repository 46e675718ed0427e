"""Moderation decisions and curation. Each function is one transaction that makes the change,
records it in the audit log and notifies the member concerned, so the three exist together or
not at all.

Rules every decision follows:
- Only moderators (the moderators group, or superusers) decide; a moderator never decides on
  their own content, their own account, or an item they reported themselves.
- A member is told every decision about their content or account, with the moderator's reason
  (never the moderator's name).
- Counters move with F() in the same transaction: hiding or removing a published comment
  takes one off its review's comment_count, restoring it adds one back; reviews.services
  comment_delete only subtracts for a comment that is still published, so a comment hidden and
  then deleted by its author is counted out exactly once.
- Hiding, removing or restoring a review changes its status, which sets its changed_at (a
  database trigger, reviews/models.py Review.CHANGED_BY), so the next incremental rerank
  re-scores it (hidden and removed reviews are never ranked).

A ban sets is_active=False rather than a long suspension: Django then refuses the member's
session and API token outright (so they cannot even read as themselves), the ranking gives their
votes no weight (ranking.engine treats inactive accounts like suspended ones), and nothing of
theirs is deleted; unban sets it back. A suspension only stops writing (reviews.services
_ensure_can_write) and voting weight until it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts import services as account_services
from accounts.models import Notification, User
from accounts.services import in_language_of, notify
from ranking import services as ranking_services
from ranking.models import FraudFlag, ReviewScore
from reviews import services as review_services
from reviews.models import BrandMembership, Category, Comment, Review
from reviews.notifications import names_data

from . import trust
from .models import (
    MAX_EDITORS_PICKS,
    MAX_PINNED_ANNOUNCEMENTS,
    PRIORITY_SEVERITY_STEP,
    REASON_SEVERITY,
    Announcement,
    AuditEntry,
    EditorsPick,
    QueueItem,
    Report,
)
from .notifications import UNDO_REASONS, account_text

Action = AuditEntry.Action

# hide / restore / remove: the statuses each may start from, and the status it sets.
CONTENT_ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "hide": (frozenset({"published"}), "hidden"),
    "remove": (frozenset({"published", "hidden"}), "removed"),
    "restore": (frozenset({"hidden", "removed"}), "published"),
}
REVIEW_AUDIT = {"hide": Action.REVIEW_HIDE, "remove": Action.REVIEW_REMOVE, "restore": Action.REVIEW_RESTORE}
COMMENT_AUDIT = {"hide": Action.COMMENT_HIDE, "remove": Action.COMMENT_REMOVE, "restore": Action.COMMENT_RESTORE}
CONTENT_ACTION_NAMES = tuple(CONTENT_ACTIONS)
USER_ACTIONS = ("warn", "suspend", "unsuspend", "ban", "unban")
FRAUD_DECISIONS = {
    "confirm": (FraudFlag.Status.CONFIRMED, Action.FRAUD_CONFIRM),
    "dismiss": (FraudFlag.Status.DISMISSED, Action.FRAUD_DISMISS),
    "reopen": (FraudFlag.Status.OPEN, Action.FRAUD_REOPEN),
}
FRAUD_DECISION_NAMES = tuple(FRAUD_DECISIONS)
MAX_SUSPENSION_DAYS = 365
MAX_FEATURE_DAYS = 30
# Decisions a member sees about their own content and account (the rest are internal).
MEMBER_VISIBLE_ACTIONS = (
    Action.REVIEW_HIDE,
    Action.REVIEW_RESTORE,
    Action.REVIEW_REMOVE,
    Action.COMMENT_HIDE,
    Action.COMMENT_RESTORE,
    Action.COMMENT_REMOVE,
    Action.USER_WARN,
    Action.USER_SUSPEND,
    Action.USER_UNSUSPEND,
    Action.USER_BAN,
    Action.USER_UNBAN,
    Action.REVIEW_FEATURE,
    Action.REVIEW_UNFEATURE,
)


# --- guards and helpers ---------------------------------------------------------------------


def _ensure_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_moderator):
        raise PermissionDenied(_("Only moderators can do this."))


def _ensure_not_own(moderator: User, author_id: int, what: str) -> None:
    if moderator.pk == author_id:
        raise PermissionDenied(
            _("You cannot moderate your own %(what)s; another moderator must decide.") % {"what": _kind(what)}
        )


def _ensure_not_reporter(moderator: User, *, review: Review | None = None, comment: Comment | None = None) -> None:
    target = {"item__review": review} if review is not None else {"item__comment": comment}
    if Report.objects.filter(reporter=moderator, status=Report.Status.OPEN, **target).exists():
        raise PermissionDenied(_("You reported this yourself; another moderator must decide."))


def _reason(reason: str | None, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": [_("Give a reason: the member concerned is told it.")]})
    if len(reason) > 1000:
        raise ValidationError({"reason": [_("At most 1000 characters.")]})
    return reason


def audit_record(
    *,
    actor: User,
    action: str,
    target_type: str,
    target_id: int | str,
    target_user: User | None = None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry to the audit log. Callers run it inside the transaction of the change."""
    return AuditEntry.objects.create(
        actor_id=actor.pk,
        actor_username=actor.get_username(),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_user_id=target_user.pk if target_user else None,
        target_username=target_user.get_username() if target_user else "",
        reason=reason,
        before=before or {},
        after=after or {},
    )


# --- reports and the queue --------------------------------------------------------------------


def _refresh_item(item_id: int) -> None:
    """Recount an item's open reports (its row is locked by the caller). Reopens a closed item
    that has open reports again."""
    figures = Report.objects.filter(item_id=item_id, status=Report.Status.OPEN).aggregate(
        severity=Max("severity"),
        reporters=Count("reporter", filter=Q(by_brand=False), distinct=True),
        reports=Count("id"),
        first=Min("created_at"),
        last=Max("created_at"),
    )
    if not figures["reports"]:
        return
    severity, reporters = figures["severity"], figures["reporters"]
    weighted = weighted_reports(item_id)
    QueueItem.objects.filter(pk=item_id).update(
        status=QueueItem.Status.OPEN,
        severity=severity,
        reporter_count=reporters,
        report_count=figures["reports"],
        priority=severity * PRIORITY_SEVERITY_STEP + min(round(weighted * 100), PRIORITY_SEVERITY_STEP - 1),
        opened_at=figures["first"],
        last_reported_at=figures["last"],
        closed_at=None,
        closed_by=None,
        resolution="",
    )


def weighted_reports(item_id: int) -> float:
    """The item's open reports, each weighed by its reporter's trust (moderation.trust): the
    queue orders by this rather than by a head count, so new accounts cannot brigade an item up."""
    reports = list(Report.objects.filter(item_id=item_id, status=Report.Status.OPEN).select_related("reporter"))
    records = trust.reporter_records([r.reporter for r in reports])
    return round(sum(trust.report_weight(r, records) for r in reports), 2)


def _locked_item(*, review: Review | None, comment: Comment | None) -> QueueItem:
    lookup = {"review": review} if review is not None else {"comment": comment}
    # get_or_create retries the read when a concurrent first report inserted the row.
    item, _created = QueueItem.objects.get_or_create(**lookup)
    return QueueItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def report_create(
    *,
    reporter: User,
    reason: str,
    review: Review | None = None,
    comment: Comment | None = None,
    note: str = "",
) -> Report:
    """File a report on a published review or comment; it joins (or reopens) the item's place in
    the moderator queue. One open report per member per item; not on your own content."""
    if not reporter.is_authenticated:
        raise PermissionDenied(_("Log in to report."))
    if reporter.is_suspended:
        raise PermissionDenied(_("Your account is suspended."))
    if (review is None) == (comment is None):
        raise ValidationError({"review": [_("Report either a review or a comment.")]})
    field = "review" if review is not None else "comment"
    target = review if review is not None else comment
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": [_choose_one_of(Report.Reason.values)]})
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": [_("At most 1000 characters.")]})
    if reason == Report.Reason.OTHER and not note:
        raise ValidationError({"note": [_("Tell the moderators what is wrong.")]})
    if target.author_id == reporter.pk:
        raise ValidationError({field: [_("You cannot report your own %(what)s.") % {"what": _kind(field)}]})
    parent = review if review is not None else comment.review
    if target.status != "published" or parent.status != Review.Status.PUBLISHED:
        raise ValidationError({field: [_("This %(what)s is not published.") % {"what": _kind(field)}]})
    item = _locked_item(review=review, comment=comment)
    by_brand = BrandMembership.objects.filter(user=reporter, brand_id=parent.product.brand_id).exists()
    try:
        with transaction.atomic():
            report = Report.objects.create(
                item=item,
                reporter=reporter,
                reason=reason,
                note=note,
                severity=REASON_SEVERITY[reason],
                by_brand=by_brand,
            )
    except IntegrityError:
        raise ValidationError(
            {field: [_("You have already reported this %(what)s.") % {"what": _kind(field)}]}
        ) from None
    _refresh_item(item.pk)
    return report


def _close_item(
    *, review: Review | None = None, comment: Comment | None = None, moderator: User, resolution: str, now: datetime
) -> int:
    """Close the item's open reports with the decision. Returns how many were open."""
    lookup = {"review": review} if review is not None else {"comment": comment}
    item = QueueItem.objects.select_for_update().filter(status=QueueItem.Status.OPEN, **lookup).first()
    if item is None:
        return 0
    report_status = Report.Status.DISMISSED if resolution == QueueItem.Resolution.DISMISSED else Report.Status.ACTIONED
    closed = Report.objects.filter(item=item, status=Report.Status.OPEN).update(
        status=report_status, resolved_at=now, resolved_by=moderator
    )
    QueueItem.objects.filter(pk=item.pk).update(
        status=QueueItem.Status.CLOSED, closed_at=now, closed_by=moderator, resolution=resolution
    )
    return closed


@transaction.atomic
def queue_item_dismiss(*, item: QueueItem, moderator: User, reason: str = "") -> QueueItem:
    """Close an item's open reports with no action on the content."""
    _ensure_moderator(moderator)
    reason = _reason(reason, required=False)
    item = QueueItem.objects.select_for_update(of=("self",)).select_related("review", "comment").get(pk=item.pk)
    target = item.target
    _ensure_not_own(moderator, target.author_id, item.target_type)
    _ensure_not_reporter(moderator, review=item.review, comment=item.comment)
    if item.status != QueueItem.Status.OPEN:
        raise ValidationError({"item": [_("This item is already closed.")]})
    before = {"status": item.status, "open_reports": item.report_count}
    closed = _close_item(
        review=item.review,
        comment=item.comment,
        moderator=moderator,
        resolution=QueueItem.Resolution.DISMISSED,
        now=timezone.now(),
    )
    audit_record(
        actor=moderator,
        action=Action.REPORTS_DISMISS,
        target_type=item.target_type,
        target_id=item.target_id,
        target_user=target.author,
        reason=reason,
        before=before,
        after={"status": QueueItem.Status.CLOSED, "reports_dismissed": closed, "queue_item": item.pk},
    )
    item.refresh_from_db()
    return item


def _choose_one_of(choices) -> str:
    """The refusal of a value outside `choices`, naming the accepted values (as the API spells them)."""
    return _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}


_REFUSED_TRANSITIONS = {
    "hide": gettext_lazy("This %(what)s is %(status)s; it cannot be hidden."),
    "remove": gettext_lazy("This %(what)s is %(status)s; it cannot be removed."),
    "restore": gettext_lazy("This %(what)s is %(status)s; it cannot be restored."),
}


def _kind(what: str) -> str:
    """ "review" or "comment" as the reader's language names it inside a sentence."""
    return {"review": pgettext("content kind", "review"), "comment": pgettext("content kind", "comment")}.get(
        what, what
    )


# --- actions on content -----------------------------------------------------------------------


def _transition(action: str, current: str, what: str) -> str:
    if action not in CONTENT_ACTIONS:
        raise ValidationError({"action": [_choose_one_of(CONTENT_ACTIONS)]})
    allowed_from, new_status = CONTENT_ACTIONS[action]
    if current not in allowed_from:
        status = Review.Status(current).label if current in Review.Status.values else current
        refused = _REFUSED_TRANSITIONS[action] % {"what": _kind(what), "status": str(status).lower()}
        raise ValidationError({"action": [refused]})
    return new_status


def _tell_author_about_content(
    *, author: User, what: str, title: str, new_status: str, reason: str, url: str, undo: str = ""
) -> None:
    """What the author is told: moderation.notifications words it (`undo`: the decision undone,
    whose reason is ours and worded in the reader's language)."""
    with in_language_of(author):
        reason = str(reason)
    data = {what: True, "text": "content_decision", "what": what, "status": new_status, "title": title}
    notify(
        recipient=author,
        kind=Notification.Kind.MODERATION,
        url=url,
        data={**data, "reason": reason, **({"undo": undo} if undo else {})},
    )


@transaction.atomic
def review_moderate(*, review: Review, moderator: User, action: str, reason: str) -> Review:
    """Hide, remove or restore a review. Hiding or removing closes its open reports as acted
    on. The author is told the reason; a hidden review stays visible to its author."""
    _ensure_moderator(moderator)
    reason = _reason(reason)
    locked = (
        Review.objects.select_for_update(of=("self",)).select_related("author", "product").filter(pk=review.pk).first()
    )
    if locked is None:
        raise ValidationError({"review": [_("This review no longer exists.")]})
    _ensure_not_own(moderator, locked.author_id, "review")
    new_status = _transition(action, locked.status, "review")
    if action != "restore":
        _ensure_not_reporter(moderator, review=locked)
    now = timezone.now()
    before = {"status": locked.status}
    review_services.review_status_set(review=locked, status=new_status)
    closed = 0
    if action != "restore":
        closed = _close_item(review=locked, moderator=moderator, resolution=new_status, now=now)
    audit_record(
        actor=moderator,
        action=REVIEW_AUDIT[action],
        target_type="review",
        target_id=locked.pk,
        target_user=locked.author,
        reason=reason,
        before=before,
        after={"status": new_status, "reports_closed": closed, "decided_at": now.isoformat()},
    )
    _tell_author_about_content(
        author=locked.author,
        what="review",
        title=locked.title,
        new_status=new_status,
        reason=reason,
        url=locked.get_absolute_url(),
    )
    return locked


@transaction.atomic
def comment_moderate(*, comment: Comment, moderator: User, action: str, reason: str) -> Comment:
    """Hide, remove or restore a comment, keeping its review's comment_count exact: it counts
    published comments only."""
    _ensure_moderator(moderator)
    reason = _reason(reason)
    # Locking the comment row serialises this with the author's comment_delete.
    locked = (
        Comment.objects.select_for_update(of=("self",)).select_related("author", "review").filter(pk=comment.pk).first()
    )
    if locked is None:
        raise ValidationError({"comment": [_("This comment no longer exists.")]})
    _ensure_not_own(moderator, locked.author_id, "comment")
    new_status = _transition(action, locked.status, "comment")
    if action != "restore":
        _ensure_not_reporter(moderator, comment=locked)
    now = timezone.now()
    old_status = locked.status
    delta = review_services.comment_status_set(comment=locked, status=new_status)
    closed = 0
    if action != "restore":
        closed = _close_item(comment=locked, moderator=moderator, resolution=new_status, now=now)
    audit_record(
        actor=moderator,
        action=COMMENT_AUDIT[action],
        target_type="comment",
        target_id=locked.pk,
        target_user=locked.author,
        reason=reason,
        before={"status": old_status},
        after={
            "status": new_status,
            "review": locked.review_id,
            "comment_count_change": delta,
            "reports_closed": closed,
            "decided_at": now.isoformat(),
        },
    )
    _tell_author_about_content(
        author=locked.author,
        what="comment",
        title=locked.body[:60],
        new_status=new_status,
        reason=reason,
        url=f"{locked.review.get_absolute_url()}#comment-{locked.pk}",
    )
    return locked


UNDO_WINDOW = timedelta(minutes=10)
UNDOABLE = {
    Action.REVIEW_HIDE: "review",
    Action.REVIEW_REMOVE: "review",
    Action.COMMENT_HIDE: "comment",
    Action.COMMENT_REMOVE: "comment",
}


def undoable(entry: AuditEntry, now: datetime | None = None) -> bool:
    """A hide or remove can be undone for UNDO_WINDOW after it was decided."""
    return entry.action in UNDOABLE and entry.created_at > (now or timezone.now()) - UNDO_WINDOW


@transaction.atomic
def decision_undo(*, entry: AuditEntry, moderator: User) -> Review | Comment:
    """Undo a hide or remove within UNDO_WINDOW: the content gets back the status it had, the
    reports that decision closed are open again (the item returns to the queue), the author is
    told, and the undo is recorded as a restore. Refused once the window has passed or when the
    content has been decided on again since."""
    _ensure_moderator(moderator)
    if not undoable(entry):
        raise ValidationError({"entry": [_("This decision can no longer be undone: restore the content instead.")]})
    what = UNDOABLE[entry.action]
    model = Review if what == "review" else Comment
    locked = (
        model.objects.select_for_update(of=("self",))
        .select_related("author", *(["review"] if what == "comment" else []))
        .filter(pk=entry.target_id)
        .first()
    )
    if locked is None:
        raise ValidationError({"entry": [_("This %(what)s no longer exists.") % {"what": _kind(what)}]})
    _ensure_not_own(moderator, locked.author_id, what)
    latest = (
        AuditEntry.objects.filter(target_type=what, target_id=entry.target_id, created_at__gte=entry.created_at)
        .exclude(pk=entry.pk)
        .exists()
    )
    previous = entry.before.get("status")
    if latest or locked.status != entry.after.get("status") or previous not in ("published", "hidden"):
        raise ValidationError(
            {"entry": [_("This %(what)s has been decided on since; it cannot be undone.") % {"what": _kind(what)}]}
        )
    if what == "review":
        review_services.review_status_set(review=locked, status=previous)
    else:
        review_services.comment_status_set(comment=locked, status=previous)
    reopened = 0
    if entry.after.get("decided_at"):
        lookup = {"item__review": locked} if what == "review" else {"item__comment": locked}
        reports = Report.objects.filter(
            status=Report.Status.ACTIONED,
            resolved_at=datetime.fromisoformat(entry.after["decided_at"]),
            **lookup,
        )
        item_ids = set(reports.values_list("item_id", flat=True))
        for item_id in item_ids:  # lock before reopening, as report_create does
            QueueItem.objects.select_for_update().get(pk=item_id)
        # The one-open-report constraint: a reporter who reported again meanwhile keeps the new one.
        reopened = reports.exclude(
            reporter__in=Report.objects.filter(status=Report.Status.OPEN, **lookup).values("reporter")
        ).update(status=Report.Status.OPEN, resolved_at=None, resolved_by=None)
        for item_id in item_ids:
            _refresh_item(item_id)
    # Lazy: the audit entry keeps the moderator's language, the author is told in theirs.
    undone = "hide" if entry.action in (Action.REVIEW_HIDE, Action.COMMENT_HIDE) else "remove"
    reason = UNDO_REASONS[undone]
    audit_record(
        actor=moderator,
        action=REVIEW_AUDIT["restore"] if what == "review" else COMMENT_AUDIT["restore"],
        target_type=what,
        target_id=locked.pk,
        target_user=locked.author,
        reason=str(reason),
        before={"status": entry.after.get("status")},
        after={"status": previous, "undo_of": entry.pk, "reports_reopened": reopened},
    )
    if previous == "published":
        title = locked.title if what == "review" else locked.body[:60]
        url = (
            locked.get_absolute_url() if what == "review" else f"{locked.review.get_absolute_url()}#comment-{locked.pk}"
        )
        _tell_author_about_content(
            author=locked.author, what=what, title=title, new_status="published", reason=reason, url=url, undo=undone
        )
    return locked


# --- actions on members -----------------------------------------------------------------------


def _locked_member(user: User, moderator: User) -> User:
    _ensure_moderator(moderator)
    if user.pk == moderator.pk:
        raise PermissionDenied(_("You cannot moderate your own account."))
    member = User.objects.select_for_update().get(pk=user.pk)
    if member.is_moderator and not moderator.is_superuser:
        raise PermissionDenied(_("Only an administrator can act on a moderator's account."))
    return member


def _member_state(member: User) -> dict:
    return {"is_active": member.is_active, "suspended_until": member.suspended_until}


def _tell_member(member: User, data: dict) -> None:
    """What the member is told of a decision on their account (data["action"]): worded by
    moderation.notifications."""
    notify(
        recipient=member,
        kind=Notification.Kind.MODERATION,
        url=f"/u/{member.username}/",
        data={"text": account_text(data["action"]), **data},
    )


@transaction.atomic
def user_warn(*, user: User, moderator: User, reason: str) -> AuditEntry:
    """A formal warning: recorded and sent to the member; nothing else changes."""
    member = _locked_member(user, moderator)
    reason = _reason(reason)
    entry = audit_record(
        actor=moderator,
        action=Action.USER_WARN,
        target_type="user",
        target_id=member.pk,
        target_user=member,
        reason=reason,
        before=_member_state(member),
        after=_member_state(member),
    )
    _tell_member(member, {"action": "warn", "reason": reason})
    return entry


def _change_member(
    member: User,
    *,
    moderator: User,
    action: str,
    reason: str,
    change: Callable[..., User],
    after_extra: dict | None = None,
    data_extra: dict | None = None,
) -> User:
    """Apply `change` (an accounts.services standing write) to the (locked) member, record the
    audit entry with before and after, and tell the member. Runs inside the caller's transaction."""
    before = _member_state(member)
    change(user=member)
    # Their votes' weight changes with no vote changing: the next rerank must be told.
    ranking_services.voter_changed(user=member)
    audit_record(
        actor=moderator,
        action=action,
        target_type="user",
        target_id=member.pk,
        target_user=member,
        reason=reason,
        before=before,
        after={**_member_state(member), **(after_extra or {})},
    )
    verb = str(action).removeprefix("user_")
    _tell_member(member, {"action": verb, **(data_extra or {}), "reason": reason})
    return member


@transaction.atomic
def user_suspend(*, user: User, moderator: User, days: int, reason: str) -> User:
    """Suspend for `days` from now (replacing any current suspension): no posting, commenting,
    voting or reporting, and their votes stop counting at the next rerank."""
    member = _locked_member(user, moderator)
    reason = _reason(reason)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise ValidationError({"days": [_("A whole number of days from 1 to %(max)s.") % {"max": MAX_SUSPENSION_DAYS}]})
    until = timezone.now() + timedelta(days=days)
    return _change_member(
        member,
        moderator=moderator,
        action=Action.USER_SUSPEND,
        reason=reason,
        change=partial(account_services.user_suspend, until=until),
        after_extra={"days": days},
        data_extra={"until": until.isoformat(), "days": days},
    )


@transaction.atomic
def user_unsuspend(*, user: User, moderator: User, reason: str) -> User:
    member = _locked_member(user, moderator)
    reason = _reason(reason)
    if not member.is_suspended:
        raise ValidationError({"action": [_("This member is not suspended.")]})
    return _change_member(
        member,
        moderator=moderator,
        action=Action.USER_UNSUSPEND,
        reason=reason,
        change=account_services.user_unsuspend,
    )


@transaction.atomic
def user_ban(*, user: User, moderator: User, reason: str) -> User:
    """Deactivate the account (see the module docstring for why not a long suspension)."""
    member = _locked_member(user, moderator)
    reason = _reason(reason)
    if not member.is_active:
        raise ValidationError({"action": [_("This member is already banned.")]})
    return _change_member(
        member,
        moderator=moderator,
        action=Action.USER_BAN,
        reason=reason,
        change=account_services.user_deactivate,
    )


@transaction.atomic
def user_unban(*, user: User, moderator: User, reason: str) -> User:
    member = _locked_member(user, moderator)
    reason = _reason(reason)
    if member.is_active:
        raise ValidationError({"action": [_("This member is not banned.")]})
    return _change_member(
        member,
        moderator=moderator,
        action=Action.USER_UNBAN,
        reason=reason,
        change=account_services.user_reactivate,
    )


def user_moderate(*, user: User, moderator: User, action: str, reason: str, days: int | None = None) -> User:
    """Dispatch one of USER_ACTIONS (for the API and the pages). Returns the member as updated."""
    if action == "warn":
        user_warn(user=user, moderator=moderator, reason=reason)
        return User.objects.get(pk=user.pk)
    if action == "suspend":
        if days is None:
            raise ValidationError({"days": [_("How many days? Required to suspend.")]})
        return user_suspend(user=user, moderator=moderator, days=days, reason=reason)
    if action == "unsuspend":
        return user_unsuspend(user=user, moderator=moderator, reason=reason)
    if action == "ban":
        return user_ban(user=user, moderator=moderator, reason=reason)
    if action == "unban":
        return user_unban(user=user, moderator=moderator, reason=reason)
    raise ValidationError({"action": [_choose_one_of(USER_ACTIONS)]})


# --- curation -----------------------------------------------------------------------------------


@transaction.atomic
def review_feature(*, review: Review, moderator: User, until: datetime, reason: str = "") -> ReviewScore:
    """Feature a published review in Discover until `until` (at most MAX_FEATURE_DAYS ahead),
    through ranking.services.review_feature: the boost applies from the next rerank, which finds
    the review by its score's featured_changed_at, and lapses at the first rerank after `until`."""
    _ensure_moderator(moderator)
    _ensure_not_own(moderator, review.author_id, "review")
    reason = _reason(reason, required=False)
    if until > timezone.now() + timedelta(days=MAX_FEATURE_DAYS):
        raise ValidationError({"until": [_("A feature lasts at most %(max)s days.") % {"max": MAX_FEATURE_DAYS}]})
    before = ReviewScore.objects.filter(pk=review.pk).values("featured_until").first() or {"featured_until": None}
    score = ranking_services.review_feature(review=review, moderator=moderator, until=until)
    audit_record(
        actor=moderator,
        action=Action.REVIEW_FEATURE,
        target_type="review",
        target_id=review.pk,
        target_user=review.author,
        reason=reason,
        before=before,
        after={"featured_until": score.featured_until},
    )
    if before["featured_until"] is None or before["featured_until"] <= timezone.now():
        notify(
            recipient=review.author,
            kind=Notification.Kind.MODERATION,
            url=review.get_absolute_url(),
            data={
                "text": "review_featured",
                "review": review.pk,
                "review_title": review.title,
                "featured_until": until.isoformat(),
            },
        )
    return score


@transaction.atomic
def review_unfeature(*, review: Review, moderator: User, reason: str = "") -> bool:
    """End a feature now (from the next rerank). Returns False when it was not featured."""
    _ensure_moderator(moderator)
    reason = _reason(reason, required=False)
    before = ReviewScore.objects.filter(pk=review.pk).values("featured_until").first() or {"featured_until": None}
    changed = ranking_services.review_unfeature(review=review, moderator=moderator)
    if changed:
        audit_record(
            actor=moderator,
            action=Action.REVIEW_UNFEATURE,
            target_type="review",
            target_id=review.pk,
            target_user=review.author,
            reason=reason,
            before=before,
            after={"featured_until": None},
        )
    return changed


ANNOUNCEMENT_FIELDS = ("title", "body", "link_url", "tone", "pinned", "starts_at", "ends_at")


def _announcement_state(a: Announcement) -> dict:
    return {name: getattr(a, name) for name in ANNOUNCEMENT_FIELDS}


def _check_announcement(values: dict, *, exclude_pk: int | None) -> dict:
    values = dict(values)
    values["title"] = (values.get("title") or "").strip()
    values["body"] = (values.get("body") or "").strip()
    values["link_url"] = (values.get("link_url") or "").strip()
    if not values["title"]:
        raise ValidationError({"title": [_("An announcement needs a title.")]})
    if len(values["title"]) > 120:
        raise ValidationError({"title": [_("At most 120 characters.")]})
    if len(values["body"]) > 1000:
        raise ValidationError({"body": [_("At most 1000 characters.")]})
    link = values["link_url"]
    if link and not (link.startswith("/") and not link.startswith("//")):
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ValidationError({"link_url": [_("Use a path on Candor (/...) or an http(s) address.")]}) from None
    if len(link) > 300:
        raise ValidationError({"link_url": [_("At most 300 characters.")]})
    if values.get("tone") not in Announcement.Tone.values:
        raise ValidationError({"tone": [_choose_one_of(Announcement.Tone.values)]})
    starts_at, ends_at = values["starts_at"], values.get("ends_at")
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The announcement must end after it starts.")]})
    if values["pinned"] and (ends_at is None or ends_at > timezone.now()):
        # Lock the pinned rows so two moderators pinning at once cannot both pass the check.
        pinned = Announcement.objects.select_for_update().filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()), pinned=True
        )
        if exclude_pk is not None:
            pinned = pinned.exclude(pk=exclude_pk)
        if len(list(pinned)) >= MAX_PINNED_ANNOUNCEMENTS:
            raise ValidationError(
                {"pinned": [_("At most %(max)s pinned at once; unpin one first.") % {"max": MAX_PINNED_ANNOUNCEMENTS}]}
            )
    return values


@transaction.atomic
def announcement_create(
    *,
    moderator: User,
    title: str,
    body: str = "",
    link_url: str = "",
    tone: str = Announcement.Tone.INFO,
    pinned: bool = True,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Announcement:
    """Post an announcement; pinned ones show above Discover while they run."""
    _ensure_moderator(moderator)
    values = _check_announcement(
        {
            "title": title,
            "body": body,
            "link_url": link_url,
            "tone": tone,
            "pinned": pinned,
            "starts_at": starts_at or timezone.now(),
            "ends_at": ends_at,
        },
        exclude_pk=None,
    )
    announcement = Announcement.objects.create(**values, created_by=moderator)
    audit_record(
        actor=moderator,
        action=Action.ANNOUNCEMENT_CREATE,
        target_type="announcement",
        target_id=announcement.pk,
        after=_announcement_state(announcement),
    )
    return announcement


@transaction.atomic
def announcement_update(*, announcement: Announcement, moderator: User, **changes: Any) -> Announcement:
    """Edit, pin or unpin an announcement (unknown fields are refused)."""
    _ensure_moderator(moderator)
    unknown = set(changes) - set(ANNOUNCEMENT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("Not an announcement field.")]})
    locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
    before = _announcement_state(locked)
    values = _check_announcement({**before, **changes}, exclude_pk=locked.pk)
    if values == before:
        return locked
    Announcement.objects.filter(pk=locked.pk).update(**values, updated_at=timezone.now())
    locked.refresh_from_db()
    audit_record(
        actor=moderator,
        action=Action.ANNOUNCEMENT_UPDATE,
        target_type="announcement",
        target_id=locked.pk,
        before={k: v for k, v in before.items() if before[k] != values[k]},
        after={k: v for k, v in values.items() if before[k] != values[k]},
    )
    return locked


@transaction.atomic
def editors_picks_set(
    *, category: Category, moderator: User, picks: Sequence[dict], reason: str = ""
) -> list[EditorsPick]:
    """Replace a category's editor's picks with `picks` ([{"review": id, "note": str}], in
    order). Every review must be published and in the category; a moderator cannot add their own.
    Authors of newly picked reviews are told."""
    _ensure_moderator(moderator)
    reason = _reason(reason, required=False)
    if len(picks) > MAX_EDITORS_PICKS:
        raise ValidationError({"picks": [_("At most %(max)s picks per category.") % {"max": MAX_EDITORS_PICKS}]})
    wanted = [(int(p["review"]), (p.get("note") or "").strip()) for p in picks]
    ids = [review_id for review_id, _ in wanted]
    if len(set(ids)) != len(ids):
        raise ValidationError({"picks": [_("A review can be picked only once.")]})
    if any(len(note) > 200 for _, note in wanted):
        raise ValidationError({"picks": [_("A pick's note is at most 200 characters.")]})
    # One editor at a time per category.
    Category.objects.select_for_update().filter(pk=category.pk).first()
    current = {p.review_id: p for p in EditorsPick.objects.filter(category=category).order_by("position")}
    reviews = {r.pk: r for r in Review.objects.filter(pk__in=ids).select_related("product", "author")}
    for review_id in ids:
        review = reviews.get(review_id)
        if review is None:
            raise ValidationError({"picks": [_("There is no review %(id)s.") % {"id": review_id}]})
        if review.product.category_id != category.pk:
            raise ValidationError(
                {"picks": [_("Review %(id)s is not in %(category)s.") % {"id": review_id, "category": category.name}]}
            )
        if review_id not in current and review.status != Review.Status.PUBLISHED:
            raise ValidationError({"picks": [_("Review %(id)s is not published.") % {"id": review_id}]})
        if review_id not in current and review.author_id == moderator.pk:
            raise PermissionDenied(_("You cannot pick your own review; another moderator must decide."))
    before = [{"review": p.review_id, "note": p.note} for p in current.values()]
    after = [{"review": review_id, "note": note} for review_id, note in wanted]
    if before == after:
        return list(current.values())
    EditorsPick.objects.filter(category=category).delete()
    now = timezone.now()
    rows = EditorsPick.objects.bulk_create(
        [
            EditorsPick(
                category=category,
                review_id=review_id,
                position=position,
                note=note,
                picked_by_id=current[review_id].picked_by_id if review_id in current else moderator.pk,
                created_at=current[review_id].created_at if review_id in current else now,
            )
            for position, (review_id, note) in enumerate(wanted, start=1)
        ]
    )
    audit_record(
        actor=moderator,
        action=Action.EDITORS_PICKS_SET,
        target_type="category",
        target_id=category.pk,
        reason=reason,
        before={"category": category.slug, "picks": before},
        after={"category": category.slug, "picks": after},
    )
    for review_id in ids:
        if review_id not in current:
            review = reviews[review_id]
            notify(
                recipient=review.author,
                kind=Notification.Kind.MODERATION,
                url=review.get_absolute_url(),
                data={
                    "text": "editors_pick",
                    "review": review_id,
                    "review_title": review.title,
                    "category": category.slug,
                    "category_names": names_data(category),
                    "editors_pick": True,
                },
            )
    return rows


# --- vote fraud -------------------------------------------------------------------------------


def _flag_involves(flag: FraudFlag, user: User) -> bool:
    if flag.accounts.filter(pk=user.pk).exists():
        return True
    evidence = flag.evidence or {}
    authors = {evidence.get("author_id")} | {edge.get("author_id") for edge in evidence.get("edges", [])}
    return user.pk in authors


@transaction.atomic
def fraud_flag_decide(*, flag: FraudFlag, moderator: User, decision: str, reason: str) -> FraudFlag:
    """Confirm, dismiss or reopen a vote-fraud flag through ranking.services.fraud_flag_resolve.
    Confirmed: the flag's votes count for nothing from the next rerank (ranking.scoring
    FLAG_CONFIRMED_FACTOR); dismissed: they count fully and the detector leaves the pair alone;
    reopened: discounted again while open. Only an open flag can be confirmed or dismissed."""
    _ensure_moderator(moderator)
    reason = _reason(reason)
    if decision not in FRAUD_DECISIONS:
        raise ValidationError({"decision": [_choose_one_of(FRAUD_DECISIONS)]})
    locked = FraudFlag.objects.select_for_update().get(pk=flag.pk)
    if _flag_involves(locked, moderator):
        raise PermissionDenied(_("Your own votes or reviews are part of this flag; another moderator must decide."))
    status, action = FRAUD_DECISIONS[decision]
    if decision == "reopen" and locked.status == FraudFlag.Status.OPEN:
        raise ValidationError({"decision": [_("This flag is already open.")]})
    if decision != "reopen" and locked.status != FraudFlag.Status.OPEN:
        raise ValidationError(
            {"decision": [_("This flag is already %(status)s; reopen it first.") % {"status": locked.status}]}
        )
    before = {"status": locked.status, "note": locked.note}
    decided = ranking_services.fraud_flag_resolve(flag=locked, moderator=moderator, status=status, note=reason)
    audit_record(
        actor=moderator,
        action=action,
        target_type="fraud_flag",
        target_id=decided.pk,
        reason=reason,
        before=before,
        after={
            "status": decided.status,
            "note": decided.note,
            "kind": decided.kind,
            "accounts": sorted(decided.accounts.values_list("pk", flat=True)),
            "vote_count": decided.vote_count,
        },
    )
    return decided
