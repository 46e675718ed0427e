"""Reads for moderators and for the curated parts of the site. Every list loads what its page
shows with select_related/prefetch_related, so it costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from accounts.models import User
from ranking import selectors as ranking_selectors
from ranking.models import FlaggedVote, FraudFlag
from reviews import sitecache
from reviews.models import Category, Comment, Review
from reviews.selectors import reviews_for_listing

from . import trust
from .models import Announcement, AuditEntry, EditorsPick, QueueItem, Report
from .services import MEMBER_VISIBLE_ACTIONS, UNDO_WINDOW, UNDOABLE

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


PINNED_ANNOUNCEMENTS = "pinned-announcements"  # its name in reviews.sitecache


def live_announcements(now: datetime | None = None) -> QuerySet[Announcement]:
    """Pinned announcements running now, newest first."""
    now = now or timezone.now()
    return Announcement.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now), pinned=True, starts_at__lte=now
    ).order_by("-starts_at", "-id")


def pinned_announcements_now() -> list[Announcement]:
    """live_announcements() for the top of Discover, from the pinned ones not yet ended, kept in
    the Django cache (reviews.sitecache; forgotten on every change, moderation/signals.py): one
    that starts or ends meanwhile is judged by the clock at each call."""
    now = timezone.now()
    pinned = sitecache.remembered(
        PINNED_ANNOUNCEMENTS,
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


# --- evidence for a decision -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportEvidence:
    report: Report
    record: trust.ReporterRecord
    level: int
    weight: float


def report_evidence(reports: list[Report]) -> dict:
    """What a moderator weighs before deciding on an item: each report with its reporter's
    account age, level, past report record and trust weight; the weighted total of the open
    reports; and warnings about look-alike reports from new accounts. Three queries."""
    reporters = [r.reporter for r in reports]
    records = trust.reporter_records(reporters)
    standings = ranking_selectors.standings_for(reporters)
    rows = [
        ReportEvidence(r, records[r.reporter_id], standings[r.reporter_id].level, trust.report_weight(r, records))
        for r in reports
    ]
    open_reports = [r for r in reports if r.status == Report.Status.OPEN]
    warnings = []
    for group in trust.same_text_groups(open_reports, records):
        same = len({trust.normalised(r.note) for r in group}) == 1
        words = {"count": len(group), "days": trust.NEW_ACCOUNT_DAYS, "note": group[0].note[:120]}
        if same:
            warning = _("%(count)s reports from accounts under %(days)s days old with identical text: “%(note)s”")
        else:
            warning = _("%(count)s reports from accounts under %(days)s days old with near-identical text: “%(note)s”")
        warnings.append(warning % words)
    weighted = round(sum(row.weight for row in rows if row.report.status == Report.Status.OPEN), 2)
    return {"rows": rows, "weighted": weighted, "open_count": len(open_reports), "warnings": warnings}


def undoable_decisions(moderator: User, now: datetime | None = None) -> list[AuditEntry]:
    """This moderator's hides and removals still inside the undo window, newest first, less those
    decided on again since (undone, restored, removed): services.decision_undo refuses them."""
    since = (now or timezone.now()) - UNDO_WINDOW
    decided_since = AuditEntry.objects.filter(
        target_type=OuterRef("target_type"), target_id=OuterRef("target_id"), created_at__gte=OuterRef("created_at")
    ).exclude(pk=OuterRef("pk"))
    return list(
        AuditEntry.objects.filter(actor_id=moderator.pk, action__in=list(UNDOABLE), created_at__gt=since)
        .exclude(Exists(decided_since))
        .order_by("-created_at", "-id")[:10]
    )


# --- the audit log in words --------------------------------------------------------------------

A = AuditEntry.Action
# Each decision as a whole sentence, so a language can put the words in its own order.
_CONTENT_SENTENCES = {
    A.REVIEW_HIDE: gettext_lazy("%(actor)s hid %(what)s"),
    A.REVIEW_REMOVE: gettext_lazy("%(actor)s removed %(what)s"),
    A.REVIEW_RESTORE: gettext_lazy("%(actor)s restored %(what)s"),
    A.COMMENT_HIDE: gettext_lazy("%(actor)s hid %(what)s"),
    A.COMMENT_REMOVE: gettext_lazy("%(actor)s removed %(what)s"),
    A.COMMENT_RESTORE: gettext_lazy("%(actor)s restored %(what)s"),
    A.REVIEW_FEATURE: gettext_lazy("%(actor)s featured %(what)s"),
    A.REVIEW_UNFEATURE: gettext_lazy("%(actor)s ended the feature of %(what)s"),
    A.FRAUD_CONFIRM: gettext_lazy("%(actor)s confirmed %(what)s"),
    A.FRAUD_DISMISS: gettext_lazy("%(actor)s dismissed %(what)s"),
    A.FRAUD_REOPEN: gettext_lazy("%(actor)s reopened %(what)s"),
}
_MEMBER_SENTENCES = {
    A.USER_WARN: gettext_lazy("%(actor)s warned %(name)s"),
    A.USER_SUSPEND: gettext_lazy("%(actor)s suspended %(name)s"),
    A.USER_UNSUSPEND: gettext_lazy("%(actor)s lifted %(name)s’s suspension"),
    A.USER_BAN: gettext_lazy("%(actor)s banned %(name)s"),
    A.USER_UNBAN: gettext_lazy("%(actor)s lifted %(name)s’s ban"),
}
_ADMIN_SENTENCES = {
    A.ADMIN_ADD: gettext_lazy("%(actor)s added %(type)s #%(id)s in the admin"),
    A.ADMIN_CHANGE: gettext_lazy("%(actor)s changed %(type)s #%(id)s in the admin"),
    A.ADMIN_DELETE: gettext_lazy("%(actor)s deleted %(type)s #%(id)s in the admin"),
}
_TARGET_LABELS = {
    "review": pgettext_lazy("audit target", "review"),
    "comment": pgettext_lazy("audit target", "comment"),
    "fraud_flag": pgettext_lazy("audit target", "fraud flag"),
    "user": pgettext_lazy("audit target", "user"),
}


def _short_date(value: object) -> str:
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(value)


def _what(entry: AuditEntry, titles: dict[tuple[str, str], str]) -> str:
    words = {"label": _TARGET_LABELS.get(entry.target_type, entry.target_type), "id": entry.target_id}
    title = titles.get((entry.target_type, entry.target_id))
    if title:
        return _("%(label)s #%(id)s “%(title)s”") % {**words, "title": title}
    return _("%(label)s #%(id)s") % words


def _sentence(entry: AuditEntry, titles: dict[tuple[str, str], str]) -> str:
    after, action = entry.after or {}, entry.action
    words = {"actor": entry.actor_username, "what": _what(entry, titles), "id": entry.target_id}
    if after.get("undo_of"):
        sentence = _("%(actor)s undid the decision on %(what)s (back to %(status)s)") % {
            **words,
            "status": after.get("status"),
        }
    elif action in _MEMBER_SENTENCES:
        words["name"] = entry.target_username or words["what"]
        if action == A.USER_SUSPEND and after.get("suspended_until"):
            sentence = _("%(actor)s suspended %(name)s until %(until)s") % {
                **words,
                "until": _short_date(after["suspended_until"]),
            }
        else:
            sentence = _MEMBER_SENTENCES[action] % words
    elif action == A.REPORTS_DISMISS:
        count = after.get("reports_dismissed", 0)
        sentence = ngettext(
            "%(actor)s dismissed %(count)s report on %(what)s",
            "%(actor)s dismissed %(count)s reports on %(what)s",
            count,
        ) % {**words, "count": count}
    elif action == A.REVIEW_FEATURE and after.get("featured_until"):
        sentence = _("%(actor)s featured %(what)s until %(until)s") % {
            **words,
            "until": _short_date(after["featured_until"]),
        }
    elif action in _CONTENT_SENTENCES:
        sentence = _CONTENT_SENTENCES[action] % words
    elif action == A.ANNOUNCEMENT_CREATE:
        sentence = _("%(actor)s posted announcement #%(id)s “%(title)s”") % {**words, "title": after.get("title", "")}
    elif action == A.ANNOUNCEMENT_UPDATE:
        if after:
            sentence = _("%(actor)s changed %(fields)s of announcement #%(id)s") % {
                **words,
                "fields": ", ".join(sorted(after)),
            }
        else:
            sentence = _("%(actor)s changed nothing in announcement #%(id)s") % words
    elif action == A.EDITORS_PICKS_SET:
        count = len(after.get("picks", []))
        sentence = ngettext(
            "%(actor)s set the editor’s picks in %(category)s (%(count)s pick)",
            "%(actor)s set the editor’s picks in %(category)s (%(count)s picks)",
            count,
        ) % {**words, "category": after.get("category", words["what"]), "count": count}
    else:  # admin changes
        template = _ADMIN_SENTENCES.get(action, gettext_lazy("%(actor)s changed %(type)s #%(id)s in the admin"))
        sentence = template % {**words, "type": entry.target_type}
    if entry.reason:
        sentence += _(" — reason: %(reason)s") % {"reason": entry.reason}
    return sentence


def describe_entries(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Give each entry a `sentence` in words ("mod hid review #12 “Title” — reason: spam"),
    with the titles of the reviews and comments named loaded in two queries."""
    ids = {"review": set(), "comment": set()}
    for entry in entries:
        if entry.target_type in ids and entry.target_id.isdigit():
            ids[entry.target_type].add(int(entry.target_id))
    titles = (
        {
            ("review", str(pk)): title
            for pk, title in Review.objects.filter(pk__in=ids["review"]).values_list("pk", "title")
        }
        if ids["review"]
        else {}
    )
    if ids["comment"]:
        for pk, body in Comment.objects.filter(pk__in=ids["comment"]).values_list("pk", "body"):
            titles[("comment", str(pk))] = body[:60] + ("…" if len(body) > 60 else "")
    for entry in entries:
        entry.sentence = _sentence(entry, titles)
    return entries
