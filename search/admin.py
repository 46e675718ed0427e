from django.contrib import admin

from .models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Groups of equivalent words, applied to every query from the next one on (a save starts a
    new generation of the cached list: search/cache.py)."""

    list_display = ("__str__", "updated_at")
    search_fields = ("terms",)
    readonly_fields = ("updated_at",)
    fields = ("terms", "updated_at")
