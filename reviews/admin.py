from django.contrib import admin

from config.admin import ReadOnlyAdmin

from . import services
from .models import (
    Brand,
    BrandMembership,
    Category,
    Comment,
    HelpfulVote,
    Product,
    Review,
    ReviewPhoto,
    Save,
    Tag,
    VoteTally,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "name_zh", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_en", "name_zh")


class BrandMembershipInline(admin.TabularInline):
    model = BrandMembership
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "name_zh", "slug", "is_verified", "created_at")
    list_filter = ("is_verified",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_en", "name_zh")
    inlines = [BrandMembershipInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh", "brand", "category", "created_at")
    list_filter = ("category", "brand")
    search_fields = ("name", "name_en", "name_zh", "brand__name", "brand__name_zh", "slug")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("created_by",)


class ReviewPhotoInline(admin.TabularInline):
    model = ReviewPhoto
    extra = 0
    readonly_fields = ("width", "height")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "product", "rating", "status", "helpful_count", "created_at")
    list_filter = ("status", "rating", "product__category")
    search_fields = ("title", "body", "author__username", "product__name")
    raw_id_fields = ("author", "product")
    filter_horizontal = ("tags",)
    date_hierarchy = "created_at"
    # Counters move only through services; the admin shows them but never writes them.
    readonly_fields = ("helpful_count", "not_helpful_count", "comment_count", "save_count", "changed_at", "edited_at")
    inlines = [ReviewPhotoInline]


@admin.register(HelpfulVote)
class HelpfulVoteAdmin(admin.ModelAdmin):
    list_display = ("user", "review", "helpful", "updated_at")
    list_filter = ("helpful",)
    search_fields = ("user__username", "review__title")
    raw_id_fields = ("user", "review")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        # Through the service, so the review's counters and the voter's tally follow.
        services.vote_remove(user=obj.user, review=obj.review)


@admin.register(VoteTally)
class VoteTallyAdmin(ReadOnlyAdmin):
    """Read-only: kept by the vote services (see VoteTally)."""

    list_display = ("voter", "author", "votes", "helpful_votes")
    search_fields = ("voter__username", "author__username")
    raw_id_fields = ("voter", "author")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("review", "author", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("body", "author__username")
    raw_id_fields = ("review", "author")


@admin.register(Save)
class SaveAdmin(admin.ModelAdmin):
    list_display = ("user", "review", "created_at")
    search_fields = ("user__username",)
    raw_id_fields = ("user", "review")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)
