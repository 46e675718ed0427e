"""How much a reporter's word weighs, and the evidence behind it (account age, past report
record, look-alike reports). Reads only; used by services (the queue's priority) and selectors
(what a moderator sees). A pile of reports from day-old accounts must not outrank one report
from a member with a long, accurate record.

weight = age factor x record factor, between 0 and 1:
- age: under NEW_ACCOUNT_DAYS 0.3, under YOUNG_ACCOUNT_DAYS 0.6, else 1;
- record: 2 x (upheld + 1) / (upheld + dismissed + 2), capped at 1, so a reporter with no
  record counts fully and one whose reports are mostly dismissed counts less;
- a suspended or banned reporter, or a report by the reviewed brand's own people, weighs 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User

from .models import Report

NEW_ACCOUNT_DAYS = 7
YOUNG_ACCOUNT_DAYS = 30
AGE_FACTORS = ((NEW_ACCOUNT_DAYS, 0.3), (YOUNG_ACCOUNT_DAYS, 0.6))
# Two notes at least this similar (difflib ratio, after normalising) count as the same text.
SAME_TEXT_RATIO = 0.9


@dataclass(frozen=True)
class ReporterRecord:
    user_id: int
    age_days: int
    upheld: int
    dismissed: int
    weight: float
    active: bool

    @property
    def is_new(self) -> bool:
        return self.age_days < NEW_ACCOUNT_DAYS


def age_factor(age_days: int) -> float:
    return next((factor for days, factor in AGE_FACTORS if age_days < days), 1.0)


def record_factor(upheld: int, dismissed: int) -> float:
    return min(1.0, 2 * (upheld + 1) / (upheld + dismissed + 2))


def reporter_records(users: list[User], now: datetime | None = None) -> dict[int, ReporterRecord]:
    """One record per user, in one query (the users are already loaded)."""
    now = now or timezone.now()
    ids = {u.pk for u in users}
    counts = {
        row["reporter_id"]: row
        for row in Report.objects.filter(reporter_id__in=ids)
        .values("reporter_id")
        .annotate(
            upheld=Count("id", filter=Q(status=Report.Status.ACTIONED)),
            dismissed=Count("id", filter=Q(status=Report.Status.DISMISSED)),
        )
    }
    records = {}
    for user in users:
        row = counts.get(user.pk, {})
        upheld, dismissed = row.get("upheld", 0), row.get("dismissed", 0)
        age_days = max(0, (now - user.date_joined).days)
        active = user.is_active and not user.is_suspended
        weight = round(age_factor(age_days) * record_factor(upheld, dismissed), 2) if active else 0.0
        records[user.pk] = ReporterRecord(user.pk, age_days, upheld, dismissed, weight, active)
    return records


def report_weight(report: Report, records: dict[int, ReporterRecord]) -> float:
    return 0.0 if report.by_brand else records[report.reporter_id].weight


def normalised(note: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", note.lower()).split())


def same_text_groups(reports: list[Report], records: dict[int, ReporterRecord]) -> list[list[Report]]:
    """Groups of two or more reports from new accounts (under NEW_ACCOUNT_DAYS) whose notes are
    identical or nearly so: the pattern of a brigade."""
    groups: list[tuple[str, list[Report]]] = []
    for report in reports:
        text = normalised(report.note)
        if not text or not records[report.reporter_id].is_new:
            continue
        for key, members in groups:
            if SequenceMatcher(None, key, text).ratio() >= SAME_TEXT_RATIO:
                members.append(report)
                break
        else:
            groups.append((text, [report]))
    return [members for _key, members in groups if len({r.reporter_id for r in members}) >= 2]
