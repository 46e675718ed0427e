"""Read-only admin views of the tester program: every change goes through brands.services (and
is recorded), so the admin shows but never edits."""

from django.contrib import admin

from .models import Campaign, CampaignEvent, Invitation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "brand", "product", "units", "status", "invite_opens_at", "invite_closes_at")
    list_filter = ("status",)
    search_fields = ("title", "brand__name", "product__name")
    list_select_related = ("brand", "product")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("id", "campaign", "tester", "status", "invited_at", "due_at", "overdue_at", "review")
    list_filter = ("status",)
    search_fields = ("tester__username", "campaign__title")
    list_select_related = ("campaign", "tester")
    exclude = ("shipping_address",)


@admin.register(CampaignEvent)
class CampaignEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "kind", "brand", "campaign", "invitation", "actor")
    list_filter = ("kind",)
    list_select_related = ("brand", "campaign", "actor")
