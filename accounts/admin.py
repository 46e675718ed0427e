from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Follow, Notification, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "language", "is_staff", "suspended_until", "date_joined")
    list_filter = (*BaseUserAdmin.list_filter, "suspended_until")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "bio", "avatar", "language", "suspended_until")}),
    )


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followee", "created_at")
    search_fields = ("follower__username", "followee__username")
    raw_id_fields = ("follower", "followee")
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "title", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "title")
    raw_id_fields = ("recipient",)
