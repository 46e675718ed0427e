"""The ranking in the admin, for staff to inspect: scores, standings, ranks, fraud flags, runs.
Everything here is read-only: decisions (fraud flags, features) go through the audited moderation
pages, and ranking figures are only ever written by the rerank job."""

import json

from django.contrib import admin
from django.utils.html import format_html

from config.admin import ReadOnlyAdmin

from .models import (
    CategoryStanding,
    FraudFlag,
    ProductScore,
    RerankRun,
    RerankState,
    ReviewerStanding,
    ReviewScore,
    SplitRun,
    TesterEvent,
)


@admin.register(FraudFlag)
class FraudFlagAdmin(ReadOnlyAdmin):
    """Read-only: moderators decide flags on the moderation pages (/moderation/), which record
    every decision in the audit log."""

    list_display = ("id", "kind", "status", "vote_count", "members", "created_at", "reviewed_by")
    list_filter = ("status", "kind")
    search_fields = ("key", "accounts__username")
    readonly_fields = (
        "kind",
        "key",
        "accounts",
        "evidence_pretty",
        "vote_count",
        "created_at",
        "updated_at",
        "reviewed_by",
        "reviewed_at",
        "status",
    )
    fields = (*readonly_fields, "note")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("accounts").select_related("reviewed_by")

    @admin.display(description="accounts")
    def members(self, flag):
        return ", ".join(u.username for u in flag.accounts.all()[:6])

    @admin.display(description="evidence")
    def evidence_pretty(self, flag):
        return format_html("<pre>{}</pre>", json.dumps(flag.evidence, indent=2, ensure_ascii=False))


@admin.register(ReviewScore)
class ReviewScoreAdmin(ReadOnlyAdmin):
    """Read-only: featuring a review is a moderation decision (/moderation/), audited there."""

    list_display = (
        "review",
        "ranked",
        "quality",
        "discover",
        "helpfulness",
        "content",
        "author_level",
        "featured_until",
    )
    list_filter = ("ranked",)
    search_fields = ("review__id", "review__title", "review__author__username")
    raw_id_fields = ("review",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("review")


@admin.register(ReviewerStanding)
class ReviewerStandingAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "level",
        "reputation",
        "overall_rank",
        "vote_weight",
        "review_count",
        "is_tester",
        "tester_failures",
    )
    list_filter = ("level", "is_tester")
    search_fields = ("user__username",)
    ordering = ("-reputation",)


@admin.register(CategoryStanding)
class CategoryStandingAdmin(ReadOnlyAdmin):
    list_display = ("user", "category", "reputation", "rank", "review_count", "is_expert")
    list_filter = ("category", "is_expert")
    search_fields = ("user__username",)
    ordering = ("category", "rank")


@admin.register(ProductScore)
class ProductScoreAdmin(ReadOnlyAdmin):
    list_display = ("product", "category", "category_rank", "bayesian_score", "review_count", "average_rating")
    list_filter = ("category", "eligible")
    search_fields = ("product__name", "product__slug")
    ordering = ("category", "category_rank")


@admin.register(TesterEvent)
class TesterEventAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "reason", "created_at", "run")
    list_filter = ("kind", "reason")
    search_fields = ("user__username",)


@admin.register(RerankRun)
class RerankRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "kind", "status", "duration", "rows")
    list_filter = ("kind", "status")

    @admin.display(description="duration (ms)")
    def duration(self, run):
        return (run.changes or {}).get("duration_ms")

    @admin.display(description="rows changed")
    def rows(self, run):
        return sum((run.changes or {}).get("rows", {}).values())


@admin.register(RerankState)
class RerankStateAdmin(ReadOnlyAdmin):
    """The run lock and the start of the last full run begun: what an operator checks when a
    rerank seems stuck (docs/deploy.md)."""

    list_display = ("id", "lock_holder", "lock_expires_at", "full_started_at", "full_attempts")


@admin.register(SplitRun)
class SplitRunAdmin(ReadOnlyAdmin):
    list_display = ("run_key", "created_at", "parts", "parts_done", "finished_at")
