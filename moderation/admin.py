"""Admin for moderation, and for the ranking tables that ranking/admin.py leaves out.

Audit entries are read-only for everyone, superusers included. Reports and the queue are
read-only too: decisions go through the moderation pages and API, which notify members and write
the audit log. Announcements and editor's picks may be edited here; Django's admin log of those
edits is copied into the audit log (moderation.signals). Django logs a bulk delete of several
objects from a change list with bulk_create, which sends no signal, so those bulk deletions
appear only in Django's own admin log.
"""

from django.contrib import admin

from config.admin import ReadOnlyAdmin, ReadOnlyInline
from ranking.models import CategoryStats, RerankPending, VotePair

from .models import Announcement, AuditEntry, EditorsPick, QueueItem, Report


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_username", "action", "target_type", "target_id", "target_username")
    list_filter = ("action", "target_type", "created_at")
    search_fields = ("actor_username", "target_username", "target_id", "reason")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ("reporter", "reason", "note", "by_brand", "status", "created_at", "resolved_by", "resolved_at")
    readonly_fields = fields


@admin.register(QueueItem)
class QueueItemAdmin(ReadOnlyAdmin):
    list_display = ("id", "target_type", "target_id", "status", "severity", "reporter_count", "opened_at", "resolution")
    list_filter = ("status", "resolution", "severity")
    search_fields = ("review__title", "comment__body", "review__author__username", "comment__author__username")
    list_select_related = ("review", "comment")
    raw_id_fields = ("review", "comment", "closed_by")
    inlines = [ReportInline]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "reporter", "reason", "status", "by_brand", "item", "created_at")
    list_filter = ("reason", "status", "by_brand")
    search_fields = ("reporter__username", "note")
    list_select_related = ("reporter", "item")
    date_hierarchy = "created_at"


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("title", "tone", "pinned", "starts_at", "ends_at", "created_by")
    list_filter = ("pinned", "tone")
    search_fields = ("title", "body")
    raw_id_fields = ("created_by",)
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(EditorsPick)
class EditorsPickAdmin(admin.ModelAdmin):
    list_display = ("category", "position", "review", "picked_by", "created_at")
    list_filter = ("category",)
    search_fields = ("review__title", "note")
    raw_id_fields = ("review", "picked_by")
    list_select_related = ("category", "review", "picked_by")


# --- ranking ---------------------------------------------------------------------------------------
# ranking/admin.py registers its scores, standings, runs, tester events and fraud flags. The rest of
# its tables are derived by the rerank job and shown here read-only, unless ranking registers them
# itself (it is imported first).


class CategoryStatsAdmin(ReadOnlyAdmin):
    list_display = ("category", "mean_rating", "review_count", "review_weight")
    search_fields = ("category__name",)


class VotePairAdmin(ReadOnlyAdmin):
    list_display = ("voter", "author", "votes", "helpful_votes")
    search_fields = ("voter__username", "author__username")
    list_select_related = ("voter", "author")


class RerankPendingAdmin(ReadOnlyAdmin):
    list_display = ("id", "reason", "user_id", "product_id", "created_at")
    list_filter = ("reason",)
    search_fields = ("user_id", "product_id")


for _model, _admin_class in {
    CategoryStats: CategoryStatsAdmin,
    VotePair: VotePairAdmin,
    RerankPending: RerankPendingAdmin,
}.items():
    if not admin.site.is_registered(_model):
        admin.site.register(_model, _admin_class)


# Bulk "delete selected" logs its deletions with bulk_create, which sends no post_save, so they
# would escape the audit log. Staff delete one object at a time (the delete page), which is
# audited like every other admin change.
admin.site.disable_action("delete_selected")
