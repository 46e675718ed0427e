"""Promotion to invited testers (Vine-style), run after each full rerank inside its transaction.

The bar (its numbers: ranking/policy.py, TESTER_*): among the top TESTER_TOP_SHARE of active
reviewers by reputation overall or in a category (at most TESTER_TOP_K_* people), at least level
TESTER_MIN_LEVEL (levels are relative to the community and need evidence: scoring.LEVEL_RULES, so
the bar works for a community of any size and opens with one of scoring.LEVEL_MIN_COMMUNITY active
reviewers), TESTER_MIN_RECENT_REVIEWS reviews in the last TESTER_RECENT_DAYS days, an active
unsuspended account, no open or confirmed fraud flag, and no demotion for overdue invited reviews
in those days (otherwise the next nightly run would undo it). Reviewers who meet it are promoted.
A tester who falls below it is warned; one who is still below it at the next full rerank (at least
TESTER_FAILURE_SPACING_HOURS later, so a manual re-run does not count twice) is demoted.
Every promotion, warning and demotion is a TesterEvent with the reason and the figures, plus an
in-app notification.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from accounts.models import Notification, User
from accounts.services import notify

from . import policy
from .models import CategoryStanding, FraudFlag, ReviewerStanding, TesterEvent

BLOCKING_FLAG_STATUSES = (FraudFlag.Status.OPEN, FraudFlag.Status.CONFIRMED)


def top_count(share: float, active: int, cap: int) -> int:
    """How many of `active` reviewers the top `share` holds, at most `cap` (0 for nobody)."""
    return min(cap, math.ceil(share * active)) if active else 0


def tester_bar() -> dict:
    """The published bar, as shown to users and stored with every event."""
    active = ReviewerStanding.objects.filter(review_count__gt=0).count()
    return {
        "top_share": policy.TESTER_TOP_SHARE,
        "active_reviewers": active,
        "top_k_overall": top_count(policy.TESTER_TOP_SHARE, active, policy.TESTER_TOP_K_OVERALL),
        "top_k_per_category": policy.TESTER_TOP_K_PER_CATEGORY,
        "min_level": policy.TESTER_MIN_LEVEL,
        "min_recent_reviews": policy.TESTER_MIN_RECENT_REVIEWS,
        "recent_days": policy.TESTER_RECENT_DAYS,
        "demote_after_failed_full_reranks": policy.TESTER_DEMOTE_AFTER_FAILURES,
    }


def _figures(
    standing: ReviewerStanding,
    best: tuple[int, str, int] | None,
    flags: int,
    now: datetime,
    overdue_cooloff: bool = False,
    bar: dict | None = None,
) -> dict:
    user = standing.user
    bar = bar or tester_bar()
    in_top = (standing.overall_rank is not None and standing.overall_rank <= bar["top_k_overall"]) or (
        best is not None and best[0] <= best[2]
    )
    unmet = []
    if not in_top:
        unmet.append("rank")
    if standing.level < bar["min_level"]:
        unmet.append("level")
    if standing.recent_review_count < bar["min_recent_reviews"]:
        unmet.append("recent_reviews")
    if flags:
        unmet.append("fraud_flags")
    if overdue_cooloff:
        unmet.append("overdue_invites")
    if not user.is_active or (user.suspended_until is not None and user.suspended_until > now):
        unmet.append("account")
    return {
        "reputation": standing.reputation,
        "level": standing.level,
        "overall_rank": standing.overall_rank,
        "best_category_rank": {"rank": best[0], "category": best[1], "top": best[2]} if best else None,
        "recent_reviews": standing.recent_review_count,
        "open_fraud_flags": flags,
        "unmet": unmet,
        "bar": bar,
    }


# The bar's parts a warning names as not met (figures["unmet"]), in the reader's words.
UNMET_WORDS = {
    "rank": gettext_lazy("rank"),
    "level": gettext_lazy("level"),
    "recent_reviews": gettext_lazy("recent reviews"),
    "fraud_flags": gettext_lazy("vote-fraud flags"),
    "overdue_invites": gettext_lazy("overdue invited reviews"),
    "account": gettext_lazy("account in good standing"),
}


# Each event's notification: its kind and the data its registered text (ranking/notifications.py)
# reads; notify() words the stored title and body with that text in the recipient's language.
NOTIFICATION_KINDS = {
    TesterEvent.Kind.PROMOTED: Notification.Kind.PROMOTION,
    TesterEvent.Kind.WARNED: Notification.Kind.OTHER,
    TesterEvent.Kind.DEMOTED: Notification.Kind.DEMOTION,
}
# OTHER has several texts: this one's name (accounts.notifications, data["text"]).
WARNING_TEXT = "tester_warning"


def _notify(user: User, event: TesterEvent) -> None:
    data = {"tester_event": event.pk, **event.figures}
    if event.kind == TesterEvent.Kind.WARNED:
        data["text"] = WARNING_TEXT
    elif event.kind == TesterEvent.Kind.DEMOTED:
        data["reason"] = str(event.reason)
    notify(recipient=user, kind=NOTIFICATION_KINDS[event.kind], url=f"/u/{user.username}/", data=data)


def record(user: User, kind: str, reason: str, figures: dict, now: datetime) -> TesterEvent:
    event = TesterEvent.objects.create(user=user, kind=kind, reason=reason, figures=figures, created_at=now)
    _notify(user, event)
    return event


def demote(standing: ReviewerStanding, *, reason: str, figures: dict, now: datetime) -> TesterEvent:
    ReviewerStanding.objects.filter(pk=standing.pk).update(
        is_tester=False, tester_since=None, tester_failures=0, tester_last_failure_at=None
    )
    return record(standing.user, TesterEvent.Kind.DEMOTED, reason, figures, now)


def evaluate_testers(*, now: datetime) -> list[int]:
    """Promote, warn and demote against the bar. Returns the ids of the events recorded.
    Precondition: ranks and standings were just refreshed by a full rerank (same transaction)."""
    bar = tester_bar()
    # A category's top share, of its own active reviewers, capped like the overall one.
    category_top = {
        row["category_id"]: top_count(policy.TESTER_TOP_SHARE, row["n"], bar["top_k_per_category"])
        for row in CategoryStanding.objects.filter(review_count__gt=0).values("category_id").annotate(n=Count("*"))
    }
    top_in_category = CategoryStanding.objects.filter(rank__lte=bar["top_k_per_category"]).values("user_id")
    candidates = list(
        ReviewerStanding.objects.filter(
            Q(is_tester=True) | Q(overall_rank__lte=bar["top_k_overall"]) | Q(user_id__in=top_in_category)
        ).select_related("user")
    )
    ids = [s.user_id for s in candidates]
    # Each candidate's best category rank, relative to that category's top count.
    best: dict[int, tuple[int, str, int]] = {}
    for user_id, rank, slug, category_id in (
        CategoryStanding.objects.filter(user_id__in=ids, rank__isnull=False)
        .order_by("user_id", "rank")
        .values_list("user_id", "rank", "category__slug", "category_id")
    ):
        top = category_top.get(category_id, 0)
        if user_id not in best or (rank <= top and best[user_id][0] > best[user_id][2]):
            best[user_id] = (rank, slug, top)
    flags: dict[int, int] = {}
    for user_id in FraudFlag.objects.filter(status__in=BLOCKING_FLAG_STATUSES, accounts__in=ids).values_list(
        "accounts", flat=True
    ):
        flags[user_id] = flags.get(user_id, 0) + 1
    cooling_off = set(
        TesterEvent.objects.filter(
            user_id__in=ids,
            kind=TesterEvent.Kind.DEMOTED,
            reason=TesterEvent.Reason.OVERDUE_INVITES,
            created_at__gte=now - timedelta(days=bar["recent_days"]),
        ).values_list("user_id", flat=True)
    )
    spacing = timedelta(hours=policy.TESTER_FAILURE_SPACING_HOURS)
    events: list[int] = []
    for standing in candidates:
        figures = _figures(
            standing,
            best.get(standing.user_id),
            flags.get(standing.user_id, 0),
            now,
            standing.user_id in cooling_off,
            bar,
        )
        passes = not figures["unmet"]
        if passes and not standing.is_tester:
            ReviewerStanding.objects.filter(pk=standing.pk).update(
                is_tester=True, tester_since=now, tester_failures=0, tester_last_failure_at=None
            )
            events.append(record(standing.user, TesterEvent.Kind.PROMOTED, TesterEvent.Reason.MET_BAR, figures, now).pk)
        elif passes and standing.tester_failures:
            ReviewerStanding.objects.filter(pk=standing.pk).update(tester_failures=0, tester_last_failure_at=None)
        elif not passes and standing.is_tester:
            last = standing.tester_last_failure_at
            if last is not None and now - last < spacing:
                continue  # this failure was already counted by a run a few hours ago
            failures = standing.tester_failures + 1
            if failures >= bar["demote_after_failed_full_reranks"]:
                event = demote(standing, reason=TesterEvent.Reason.BELOW_BAR_REPEATED, figures=figures, now=now)
            else:
                ReviewerStanding.objects.filter(pk=standing.pk).update(
                    tester_failures=failures, tester_last_failure_at=now
                )
                event = record(standing.user, TesterEvent.Kind.WARNED, TesterEvent.Reason.BELOW_BAR, figures, now)
            events.append(event.pk)
    return events
