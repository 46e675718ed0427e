from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from ranking.models import FlaggedVote, FraudFlag
from reviews.api.serializers import ReviewSerializer
from reviews.models import Comment, Review

from ..models import MAX_EDITORS_PICKS, Announcement, AuditEntry, EditorsPick, QueueItem, Report
from ..services import (
    CONTENT_ACTION_NAMES,
    FRAUD_DECISION_NAMES,
    MAX_FEATURE_DAYS,
    MAX_SUSPENSION_DAYS,
    USER_ACTIONS,
)

# The largest id a BigAutoField holds: larger ones are refused as bad input, not looked up.
MAX_ID = 2**63 - 1


class BoundedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key that must be a positive integer in the database's range (400 otherwise)."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "out_of_range": gettext_lazy("Not a valid id."),
    }

    def to_internal_value(self, data):
        try:
            value = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, bool) or not 1 <= value <= MAX_ID:
            self.fail("out_of_range")
        return super().to_internal_value(value)


# --- reports --------------------------------------------------------------------------------------


class ReportInputSerializer(serializers.Serializer):
    review = BoundedPrimaryKeyField(queryset=Review.objects.all(), required=False, allow_null=True)
    comment = BoundedPrimaryKeyField(queryset=Comment.objects.all(), required=False, allow_null=True)
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if (attrs.get("review") is None) == (attrs.get("comment") is None):
            raise serializers.ValidationError({"review": [_("Report either a review or a comment (exactly one).")]})
        return attrs


class ReportSerializer(serializers.ModelSerializer):
    """A report as its reporter sees it."""

    target_type = serializers.CharField(source="item.target_type", read_only=True)
    target_id = serializers.IntegerField(source="item.target_id", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "target_type", "target_id", "reason", "note", "status", "created_at", "resolved_at"]
        read_only_fields = fields


class QueueReportSerializer(serializers.ModelSerializer):
    """A report as moderators see it."""

    reporter = serializers.CharField(source="reporter.username", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "reporter", "reason", "note", "by_brand", "status", "created_at"]
        read_only_fields = fields


class ReviewTargetSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    product = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "title", "body", "rating", "status", "author", "product", "created_at", "url"]
        read_only_fields = fields

    def get_product(self, review) -> str:
        return f"{review.product.brand.name} {review.product.name}"


class CommentTargetSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    review_title = serializers.CharField(source="review.title", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "body", "status", "author", "review", "review_title", "created_at"]
        read_only_fields = fields


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored as '' when unset (a CharField with blank=True) answered as null, so the
    value is always one of the choices or null, as the schema says."""

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class QueueItemSerializer(serializers.ModelSerializer):
    """A reported review or comment, with the figures that order the queue and its reports."""

    target_type = serializers.CharField(read_only=True)
    review = ReviewTargetSerializer(read_only=True, allow_null=True)
    comment = CommentTargetSerializer(read_only=True, allow_null=True)
    reports = QueueReportSerializer(source="shown_reports", many=True, read_only=True)
    closed_by = serializers.CharField(source="closed_by.username", read_only=True, allow_null=True, default=None)
    resolution = BlankAsNullChoiceField(
        choices=QueueItem.Resolution.choices, read_only=True, allow_null=True, help_text="null while the item is open."
    )

    class Meta:
        model = QueueItem
        fields = [
            "id",
            "status",
            "target_type",
            "review",
            "comment",
            "severity",
            "reporter_count",
            "report_count",
            "priority",
            "opened_at",
            "last_reported_at",
            "resolution",
            "closed_at",
            "closed_by",
            "reports",
        ]
        read_only_fields = fields


# --- decisions ------------------------------------------------------------------------------------


class ReasonField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)


class ContentActionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=CONTENT_ACTION_NAMES)
    reason = ReasonField(help_text="Told to the author.")


class DismissInputSerializer(serializers.Serializer):
    reason = ReasonField(required=False, allow_blank=True, default="")


class UserActionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=USER_ACTIONS)
    reason = ReasonField(help_text="Told to the member.")
    days = serializers.IntegerField(
        min_value=1, max_value=MAX_SUSPENSION_DAYS, required=False, help_text="Required to suspend."
    )

    def validate(self, attrs):
        if attrs["action"] == "suspend" and attrs.get("days") is None:
            raise serializers.ValidationError({"days": [_("How many days? Required to suspend.")]})
        return attrs


class MemberStateSerializer(serializers.ModelSerializer):
    is_suspended = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["username", "is_active", "is_suspended", "suspended_until"]
        read_only_fields = fields


class ReviewStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "status", "comment_count", "changed_at"]
        read_only_fields = fields


class CommentStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "review", "status"]
        read_only_fields = fields


class FeatureInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=MAX_FEATURE_DAYS, required=False)
    until = serializers.DateTimeField(required=False)
    reason = ReasonField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if (attrs.get("days") is None) == (attrs.get("until") is None):
            raise serializers.ValidationError({"days": [_("Give either days or until (exactly one).")]})
        return attrs


class UnfeatureInputSerializer(serializers.Serializer):
    reason = ReasonField(required=False, allow_blank=True, default="")


class FeatureStateSerializer(serializers.Serializer):
    review = serializers.IntegerField()
    featured_until = serializers.DateTimeField(allow_null=True)


# --- announcements --------------------------------------------------------------------------------


class AnnouncementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Announcement
        fields = ["id", "title", "body", "link_url", "tone", "pinned", "starts_at", "ends_at", "created_at"]
        read_only_fields = fields


class AnnouncementInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    link_url = serializers.CharField(max_length=300, required=False, allow_blank=True)
    tone = serializers.ChoiceField(choices=Announcement.Tone.choices, required=False)
    pinned = serializers.BooleanField(required=False)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)


# --- editor's picks -------------------------------------------------------------------------------


class EditorsPickReviewSerializer(ReviewSerializer):
    """A picked review as every card shows it, plus its place and the editors' note."""

    pick_position = serializers.IntegerField(read_only=True)
    pick_note = serializers.CharField(read_only=True)

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "pick_position", "pick_note"]
        read_only_fields = fields


class PickInputSerializer(serializers.Serializer):
    review = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EditorsPicksInputSerializer(serializers.Serializer):
    picks = PickInputSerializer(many=True, max_length=MAX_EDITORS_PICKS, allow_empty=True)
    reason = ReasonField(required=False, allow_blank=True, default="")


class EditorsPickRowSerializer(serializers.ModelSerializer):
    review = ReviewTargetSerializer(read_only=True)
    picked_by = serializers.CharField(source="picked_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = EditorsPick
        fields = ["position", "note", "review", "picked_by", "created_at"]
        read_only_fields = fields


# --- vote fraud -----------------------------------------------------------------------------------


class FraudFlagSerializer(serializers.ModelSerializer):
    accounts = serializers.SerializerMethodField()
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, allow_null=True, default=None)
    evidence = serializers.JSONField(read_only=True)

    class Meta:
        model = FraudFlag
        fields = [
            "id",
            "kind",
            "status",
            "accounts",
            "evidence",
            "vote_count",
            "created_at",
            "updated_at",
            "reviewed_by",
            "reviewed_at",
            "note",
        ]
        read_only_fields = fields

    def get_accounts(self, flag) -> list[str]:
        return [user.username for user in flag.accounts.all()]


class FlaggedVoteSerializer(serializers.ModelSerializer):
    """One suspicious vote: who voted on whose review, which way, when."""

    vote = serializers.IntegerField(source="vote_id", read_only=True)
    voter = serializers.CharField(source="vote.user.username", read_only=True)
    author = serializers.CharField(source="vote.review.author.username", read_only=True)
    review = serializers.IntegerField(source="vote.review_id", read_only=True)
    helpful = serializers.BooleanField(source="vote.helpful", read_only=True)
    voted_at = serializers.DateTimeField(source="vote.created_at", read_only=True)

    class Meta:
        model = FlaggedVote
        fields = ["vote", "voter", "author", "review", "helpful", "voted_at"]
        read_only_fields = fields


class FraudFlagDetailSerializer(FraudFlagSerializer):
    votes = serializers.SerializerMethodField()

    class Meta(FraudFlagSerializer.Meta):
        fields = [*FraudFlagSerializer.Meta.fields, "votes"]
        read_only_fields = fields

    @extend_schema_field(FlaggedVoteSerializer(many=True))
    def get_votes(self, flag):
        return FlaggedVoteSerializer(self.context["votes"], many=True).data


class FraudDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=FRAUD_DECISION_NAMES)
    reason = ReasonField()


# --- audit ----------------------------------------------------------------------------------------


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_username", read_only=True)
    target_user = serializers.CharField(source="target_username", read_only=True)
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    before = serializers.JSONField(read_only=True)
    after = serializers.JSONField(read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "target_user",
            "reason",
            "before",
            "after",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    """A decision about your content or account: what, why, when (not who)."""

    action_label = serializers.CharField(source="get_action_display", read_only=True)
    after = serializers.JSONField(read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "action", "action_label", "target_type", "target_id", "reason", "after"]
        read_only_fields = fields


def state_of(obj: Model) -> dict:
    """The response after a content or member decision."""
    if isinstance(obj, Review):
        return ReviewStateSerializer(obj).data
    if isinstance(obj, Comment):
        return CommentStateSerializer(obj).data
    return MemberStateSerializer(obj).data


class AuditQuerySerializer(serializers.Serializer):
    """The audit log's filters. Through a serializer so a bad value (a NUL byte, which PostgreSQL
    text cannot hold, or an unknown action) is a 400 naming the parameter, never a 500."""

    actor = serializers.CharField(max_length=150, required=False, allow_blank=True)
    action = serializers.ChoiceField(choices=AuditEntry.Action.values, required=False, allow_blank=True)
    target_type = serializers.CharField(max_length=60, required=False, allow_blank=True)
    target_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    member = serializers.CharField(max_length=150, required=False, allow_blank=True)
