"""Admin pieces shared by the apps."""

from django.contrib import admin


class ReadOnlyPermissions:
    """Rows written by services, jobs or audited pages: never added, changed or deleted in the
    admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    """Shown with search and filters, read-only."""


class ReadOnlyInline(ReadOnlyPermissions, admin.TabularInline):
    extra = 0
    can_delete = False
