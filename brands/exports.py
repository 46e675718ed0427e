"""CSV export of a campaign: one row per invitation, public figures only (no email, no address,
never who voted)."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.utils.text import slugify

from . import selectors
from .models import Campaign

COLUMNS = [
    "invitation",
    "tester",
    "status",
    "invited_by_candor",
    "match_score",
    "invited_at",
    "accepted_at",
    "shipped_at",
    "received_at",
    "due_at",
    "overdue_at",
    "reviewed_at",
    "review_id",
    "review_url",
    "rating",
    "title",
    "helpful_votes",
    "not_helpful_votes",
    "comments",
]


def _cell(value) -> str:
    """Text as a spreadsheet shows it, never as a formula (CSV injection: =, +, -, @)."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def campaign_rows(campaign: Campaign) -> list[list[str]]:
    rows = []
    for inv in selectors.campaign_invitations(campaign).order_by("invited_at", "id"):
        review = inv.review
        rows.append(
            [
                _cell(v)
                for v in (
                    inv.pk,
                    inv.tester.username,
                    inv.status,
                    "yes" if inv.invited_by_id is None else "no",
                    f"{inv.match_score:.4f}",
                    inv.invited_at,
                    inv.accepted_at,
                    inv.shipped_at,
                    inv.received_at,
                    inv.due_at,
                    inv.overdue_at,
                    inv.reviewed_at,
                    review.pk if review else None,
                    review.get_absolute_url() if review else None,
                    review.rating if review else None,
                    review.title if review else None,
                    review.helpful_count if review else None,
                    review.not_helpful_count if review else None,
                    review.comment_count if review else None,
                )
            ]
        )
    return rows


def campaign_csv_response(campaign: Campaign) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(f"candor-campaign-{campaign.pk}-{campaign.title}")[:80] or f"campaign-{campaign.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    writer.writerows(campaign_rows(campaign))
    return response
