from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from config.fields import BooleanField
from reviews.api.serializers import ProductSerializer, ProductSummarySerializer
from reviews.models import Category, Review, Tag

from ..selectors import MAX_PAGE, MAX_QUERY_LENGTH, SORTS


class SearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, trim_whitespace=True, allow_blank=False)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, help_text="Only this category (slug)."
    )
    min_rating = serializers.IntegerField(
        min_value=1, max_value=5, required=False, help_text="Reviews rated at least this."
    )
    has_photos = BooleanField(required=False, default=False, help_text="Only reviews with photos.")
    invited_tester = BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only invited testers' reviews (they received the product free); false: none of them.",
    )
    sort = serializers.ChoiceField(choices=list(SORTS), default="relevance")
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)

    def validate_q(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError(_("Remove the NUL character."))
        return value

    def validate(self, attrs: dict) -> dict:
        # DRF reads an optional query parameter sent empty (`sort=`) as not sent; the schema says
        # what each one may be, and an empty value is none of those: refused, naming it.
        blank = {name: [_("This field may not be blank.")] for name in self.fields if self.initial_data.get(name) == ""}
        if blank:
            raise serializers.ValidationError(blank)
        return attrs


class SuggestInputSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, trim_whitespace=True, allow_blank=False)


class SearchReviewSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    product = ProductSummarySerializer(read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    relevance = serializers.FloatField(read_only=True, help_text="Text relevance combined with the review's quality.")
    highlighted_title = serializers.CharField(read_only=True, help_text="The title as HTML, matches in <mark>.")
    highlighted_snippet = serializers.CharField(
        read_only=True, help_text="Part of the body around the first match, as HTML, matches in <mark>."
    )
    has_photos = serializers.SerializerMethodField()
    invited_tester = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "title",
            "rating",
            "author",
            "product",
            "tags",
            "created_at",
            "helpful_count",
            "has_photos",
            "invited_tester",
            "relevance",
            "highlighted_title",
            "highlighted_snippet",
        ]
        read_only_fields = fields

    def get_has_photos(self, review) -> bool:
        return bool(review.photos.all())

    def get_invited_tester(self, review) -> bool:
        return getattr(review, "tester_assignment", None) is not None


class SearchPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["username", "display_name"]
        read_only_fields = fields


class SearchTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["name"]
        read_only_fields = fields


class SearchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        source="total", help_text="Matching reviews in all, or when `count_capped` the number ordered (at least)."
    )
    count_capped = serializers.BooleanField(
        help_text="More reviews match than are ordered: the newest `count` matching reviews are the ones ordered."
    )
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = SearchReviewSerializer(source="reviews", many=True, help_text="A page of the matching reviews.")
    products = ProductSerializer(many=True, help_text="Matching products (first page only).")
    tags = SearchTagSerializer(many=True, help_text="Matching tags (first page only).")
    people = SearchPersonSerializer(many=True, help_text="Matching people (first page only).")


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["product", "brand", "tag"])
    text = serializers.CharField()
    detail = serializers.CharField(help_text="The product's brand; empty for brands and tags.")
    url = serializers.CharField()


class SuggestionsSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)
