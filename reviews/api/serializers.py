from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserSummarySerializer
from config.fields import BooleanField, SlugRelatedField
from reviews import cards
from reviews.cards import LISTING_PREFETCHES
from reviews.models import Brand, Category, Comment, Product, Review, ReviewPhoto
from reviews.services import MAX_TAG_INPUT_LENGTH, MAX_TAGS_PER_REVIEW

# `name` as first given, the English and Chinese names where set, and `display_name`: the one for
# the request's language (reviews/names.py).
NAME_FIELDS = ["name", "name_en", "name_zh", "display_name"]


class CategorySerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", *NAME_FIELDS, "slug", "description"]
        read_only_fields = fields


class BrandSerializer(serializers.ModelSerializer):
    website = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Brand
        fields = ["id", *NAME_FIELDS, "slug", "description", "website", "is_verified"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    brand = BrandSerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    image = serializers.ImageField(read_only=True, allow_null=True)
    review_count = serializers.IntegerField(read_only=True)
    average_rating = serializers.FloatField(read_only=True, allow_null=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            *NAME_FIELDS,
            "description",
            "image",
            "brand",
            "category",
            "review_count",
            "average_rating",
        ]
        read_only_fields = fields


class ProductCreateSerializer(serializers.Serializer):
    brand = SlugRelatedField(slug_field="slug", queryset=Brand.objects.all())
    category = SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    name = serializers.CharField(max_length=Product._meta.get_field("name").max_length)
    name_en = serializers.CharField(
        required=False, allow_blank=True, max_length=Product._meta.get_field("name_en").max_length, default=""
    )
    name_zh = serializers.CharField(
        required=False, allow_blank=True, max_length=Product._meta.get_field("name_zh").max_length, default=""
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=Product.DESCRIPTION_MAX_LENGTH, default=""
    )


class ProductSummarySerializer(serializers.ModelSerializer):
    brand = serializers.CharField(source="brand.name", read_only=True)
    category = serializers.CharField(source="category.slug", read_only=True)
    # The product's and the brand's names in the request's language (reviews/names.py).
    display_name = serializers.CharField(read_only=True)
    brand_display_name = serializers.CharField(source="brand.display_name", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "slug", "name", "display_name", "brand", "brand_display_name", "category"]
        read_only_fields = fields


class ReviewPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewPhoto
        fields = ["id", "position", "image", "thumbnail", "width", "height", "alt_text"]
        read_only_fields = fields


VIEWER_FIELDS = {"viewer_vote": None, "viewer_saved": False}


class CachedReviewListSerializer(serializers.ListSerializer):
    """A list of reviews through the card cache (reviews/cards.py): each review's dict, less the
    viewer's own vote and save, is stored once and reused for every reader; those two fields are
    set from the list query's annotations on a copy for each request."""

    def to_representation(self, data):
        child = self.child
        # Declared names (child.fields would build every field again, ~2 ms a page).
        names = set(child.Meta.fields)
        if not names <= CACHEABLE_FIELDS:  # a subclass showing more than the key covers
            return super().to_representation(data)
        reviews = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        # Photo and avatar URLs are absolute, built from the request's host.
        origin = f"{request.scheme}://{request.get_host()}" if request is not None else ""
        kind = f"api:{type(child).__module__}.{type(child).__qualname__}"

        def draw(missing, _kind):
            drawn = []
            for review in missing:
                item = child.to_representation(review)
                for name, blank in VIEWER_FIELDS.items():  # nothing of this reader's is stored
                    if name in item:
                        item[name] = blank
                drawn.append(item)
            return drawn

        scores = bool(names & {"quality", "discover_score"})
        items = cards.cached(reviews, [kind], draw, extra=origin, prefetch=LISTING_PREFETCHES, scores=scores)[kind]
        results = []
        for review, item in zip(reviews, items, strict=True):
            item = dict(item)
            if "viewer_vote" in item:
                item["viewer_vote"] = getattr(review, "viewer_vote", None)
            if "viewer_saved" in item:
                item["viewer_saved"] = bool(getattr(review, "viewer_saved", False))
            results.append(item)
        return results


class ReviewSerializer(serializers.ModelSerializer):
    """A review as every reader sees it. Every field is read-only: writes go through the
    input serializers and services."""

    author = UserSummarySerializer(read_only=True)
    product = ProductSummarySerializer(read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    photos = ReviewPhotoSerializer(many=True, read_only=True)
    is_edited = serializers.BooleanField(read_only=True)
    viewer_vote = serializers.BooleanField(read_only=True, allow_null=True, default=None)
    viewer_saved = serializers.BooleanField(read_only=True, default=False)
    # Null, or the invited-tester disclosure when the review is linked to a tester campaign.
    disclosure = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "author",
            "product",
            "rating",
            "title",
            "body",
            "tags",
            "photos",
            "status",
            "created_at",
            "edited_at",
            "is_edited",
            "helpful_count",
            "not_helpful_count",
            "comment_count",
            "save_count",
            "viewer_vote",
            "viewer_saved",
            "disclosure",
        ]
        read_only_fields = fields
        list_serializer_class = CachedReviewListSerializer

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "kind": {"type": "string", "enum": ["invited_tester"]},
                "text": {"type": "string"},
                "detail": {"type": "string"},
                "campaign": {"type": "integer"},
                "brand": {"type": "string"},
            },
        }
    )
    def get_disclosure(self, review) -> dict | None:
        # The reverse one-to-one from brands.Invitation (select_related by the selectors; this
        # app never imports brands).
        try:
            assignment = review.tester_assignment
        except ObjectDoesNotExist:
            return None
        if assignment is None:
            return None
        return assignment.disclosure(review.product.brand.name)


# What the card cache's key covers (reviews.cards): ReviewSerializer's fields and the ranking
# scores added by ranking.api.serializers.RankedReviewSerializer.
CACHEABLE_FIELDS = {*ReviewSerializer.Meta.fields, "quality", "discover_score"}


class TagListField(serializers.ListField):
    child = serializers.CharField(max_length=MAX_TAG_INPUT_LENGTH)
    max_length = MAX_TAGS_PER_REVIEW


# The model's limits, which reviews.services checks on every write path too.
TITLE_MAX = Review._meta.get_field("title").max_length
BODY_MAX = Review._meta.get_field("body").max_length


class ReviewCreateSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX)
    tags = TagListField(required=False, default=list)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=9)


class ReviewUpdateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    body = serializers.CharField(max_length=BODY_MAX, required=False)
    tags = TagListField(required=False)


class PhotoUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=9)


class VoteInputSerializer(serializers.Serializer):
    helpful = BooleanField()


def vote_choice(data) -> bool:
    """The `helpful` of a vote body: a JSON true/false at once (nearly every vote), anything
    else through VoteInputSerializer, with its parsing and its 400s."""
    if isinstance(data, dict) and len(data) == 1:
        value = data.get("helpful")
        if value is True or value is False:
            return value
    serializer = VoteInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["helpful"]


class VoteStateSerializer(serializers.Serializer):
    helpful = serializers.BooleanField(allow_null=True)
    helpful_count = serializers.IntegerField()
    not_helpful_count = serializers.IntegerField()


class SaveStateSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    save_count = serializers.IntegerField()


class CommentSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "review", "author", "body", "created_at", "edited_at"]
        read_only_fields = fields


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=Comment._meta.get_field("body").max_length)
