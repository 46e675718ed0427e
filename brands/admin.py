"""Read-only admin views of the tester program: every change goes through brands.services (and
is recorded), so the admin shows but never edits."""

from django.contrib import admin

from config.admin import ReadOnlyAdmin

from .models import Campaign, CampaignEvent, Invitation, InvitationEmail, MembershipInvitation


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


@admin.register(InvitationEmail)
class InvitationEmailAdmin(ReadOnlyAdmin):
    """The email outbox: pending ones wait for the drain; `sending` with no sent time means a
    sender died mid-send (never resent, so check by hand whether it arrived)."""

    list_display = ("id", "created_at", "template", "status", "attempts", "retry_at", "sent_at", "invitation")
    list_filter = ("status", "template")
    search_fields = ("invitation__tester__username",)
    list_select_related = ("invitation",)
    raw_id_fields = ("invitation",)


@admin.register(MembershipInvitation)
class MembershipInvitationAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "brand", "invitee", "invited_by", "status", "responded_at")
    list_filter = ("status",)
    search_fields = ("invitee__username", "brand__name")
    list_select_related = ("brand", "invitee", "invited_by")
