from rest_framework import serializers

from config.fields import SlugRelatedField
from reviews.api.serializers import ProductSummarySerializer, ReviewSerializer
from reviews.models import Category, Product


class RankedReviewSerializer(ReviewSerializer):
    """A review card plus its ranking scores."""

    # Null only for an author's own review the rerank has not scored yet (discover's `own_new`).
    quality = serializers.FloatField(source="score.quality", read_only=True, allow_null=True)
    discover_score = serializers.FloatField(source="score.discover", read_only=True, allow_null=True)

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "quality", "discover_score"]
        read_only_fields = fields


class DiscoverReviewSerializer(RankedReviewSerializer):
    """A discover card: the same fields, named apart in the schema only, because the discover page
    (PaginatedDiscoverReviewList) has `own_new` and the other ranked lists' pages do not."""


class DiscoverQuerySerializer(serializers.Serializer):
    category = SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, help_text="Category slug"
    )


class ComponentPartSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField()
    weight = serializers.FloatField()
    contribution = serializers.FloatField()
    detail = serializers.CharField()


class ComponentSerializer(ComponentPartSerializer):
    parts = ComponentPartSerializer(many=True, required=False)


class DiscoverTermsSerializer(serializers.Serializer):
    log_quality = serializers.FloatField()
    age_term = serializers.FloatField()
    feature_boost = serializers.FloatField()
    tau_hours = serializers.FloatField()


class ScoreExplanationSerializer(serializers.Serializer):
    """Why a review is ranked where it is."""

    review_id = serializers.IntegerField()
    status = serializers.CharField()
    ranked = serializers.BooleanField()
    summary = serializers.CharField(help_text="Why it is ranked here, in a reader's words; the numbers follow")
    reason = serializers.CharField(required=False)
    helpful_count = serializers.IntegerField()
    not_helpful_count = serializers.IntegerField()
    quality = serializers.FloatField(required=False)
    discover = serializers.FloatField(required=False)
    helpful_weight = serializers.FloatField(required=False)
    unhelpful_weight = serializers.FloatField(required=False)
    components = ComponentSerializer(many=True)
    discover_terms = DiscoverTermsSerializer(required=False)
    featured_until = serializers.DateTimeField(required=False, allow_null=True)
    computed_at = serializers.DateTimeField(required=False)
    formula = serializers.CharField(required=False)


class ProgressSerializer(serializers.Serializer):
    fraction = serializers.FloatField(help_text="0..1 of the way to the next level")
    current_threshold = serializers.FloatField()
    next_level = serializers.IntegerField(allow_null=True)
    next_threshold = serializers.FloatField(allow_null=True)


class BadgeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    category = serializers.CharField(allow_null=True)
    category_name = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)


class CategoryRankSerializer(serializers.Serializer):
    category = serializers.CharField()
    category_name = serializers.CharField()
    reputation = serializers.FloatField()
    review_count = serializers.IntegerField()
    rank = serializers.IntegerField(allow_null=True)
    is_expert = serializers.BooleanField()


class TesterEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    reason = serializers.CharField()
    reason_display = serializers.CharField(source="get_reason_display")
    figures = serializers.JSONField()
    created_at = serializers.DateTimeField()


class StandingSerializer(serializers.Serializer):
    username = serializers.CharField()
    level = serializers.IntegerField()
    reputation = serializers.FloatField()
    progress = ProgressSerializer()
    overall_rank = serializers.IntegerField(allow_null=True)
    review_count = serializers.IntegerField()
    recent_review_count = serializers.IntegerField()
    vote_weight = serializers.FloatField(help_text="What this member's helpful votes count for")
    is_tester = serializers.BooleanField()
    tester_since = serializers.DateTimeField(allow_null=True)
    badges = BadgeSerializer(many=True)
    categories = CategoryRankSerializer(many=True)
    tester_history = TesterEventSerializer(
        many=True, required=False, help_text="Promotions, warnings and demotions; only shown to the member"
    )


class LevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    min_reputation = serializers.FloatField(help_text="Reputation that reaches this level in a community of any size")
    community_share = serializers.FloatField(
        allow_null=True, help_text="Or be among this share of active reviewers by reputation (with the evidence below)"
    )
    community_min_reputation = serializers.FloatField(
        allow_null=True,
        help_text="Reputation of the last reviewer inside that share at the last nightly ranking; "
        "null while the community is too small",
    )
    min_reviews = serializers.IntegerField(help_text="Ranked reviews the community route needs")
    min_helpful_weight = serializers.FloatField(help_text="Helpful-vote weight received the community route needs")
    vote_weight = serializers.FloatField()


class TesterBarSerializer(serializers.Serializer):
    top_share = serializers.FloatField(help_text="Share of active reviewers, overall or in a category, who can qualify")
    active_reviewers = serializers.IntegerField(help_text="Reviewers with at least one ranked review")
    top_k_overall = serializers.IntegerField(help_text="How many that share is overall now (capped)")
    top_k_per_category = serializers.IntegerField()
    min_level = serializers.IntegerField()
    min_recent_reviews = serializers.IntegerField()
    recent_days = serializers.IntegerField()
    demote_after_failed_full_reranks = serializers.IntegerField()


class LevelTableSerializer(serializers.Serializer):
    levels = LevelSerializer(many=True)
    tester_bar = TesterBarSerializer()


class RankedProductSerializer(serializers.ModelSerializer):
    rank = serializers.IntegerField(read_only=True)
    product = ProductSummarySerializer(source="*", read_only=True)
    bayesian_score = serializers.FloatField(source="score.bayesian_score", read_only=True)
    review_count = serializers.IntegerField(source="score.review_count", read_only=True)
    average_rating = serializers.FloatField(source="score.average_rating", read_only=True, allow_null=True)

    class Meta:
        model = Product
        fields = ["rank", "product", "bayesian_score", "review_count", "average_rating"]
        read_only_fields = fields
