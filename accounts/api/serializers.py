from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Notification, User
from accounts.names import normalise_name
from config.fields import SlugRelatedField


class UsernameField(serializers.RegexField):
    """A username, normalised (accounts.names) before its pattern and length are checked, so an
    invisible character is dropped rather than refused and fullwidth letters count as plain."""

    def to_internal_value(self, data):
        return normalise_name(super().to_internal_value(data))


class RegisterInputSerializer(serializers.Serializer):
    username = UsernameField(r"^[\w.@+-]+\Z", max_length=150, min_length=3)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
    # No default: `''` is not an email, so as a schema default it made the schema invalid (the
    # service defaults a missing email to none).
    email = serializers.EmailField(required=False, allow_blank=True)
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        user = authenticate(self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError({"password": [_("Unable to log in with these credentials.")]})
        attrs["user"] = user
        return attrs


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
    username = serializers.CharField()


class UserSummarySerializer(serializers.ModelSerializer):
    """How an author appears on a card: enough to render it, nothing private."""

    display_name = serializers.CharField(source="public_name")
    avatar = serializers.ImageField(read_only=True, allow_null=True)
    # Reviewer level 1-10 from the ranking (`standing.level`); 1 until the first rerank. Lists
    # select_related("author__standing") to keep this query-free.
    level = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "display_name", "avatar", "level"]
        read_only_fields = fields

    def get_level(self, user) -> int:
        standing = getattr(user, "standing", None)  # None when the user has no standing row yet
        return standing.level if standing is not None else 1


class PublicProfileSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="public_name")
    avatar = serializers.ImageField(read_only=True, allow_null=True)
    role = serializers.CharField(read_only=True)
    interest_categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    followers_count = serializers.IntegerField(read_only=True)
    following_count = serializers.IntegerField(read_only=True)
    review_count = serializers.IntegerField(read_only=True)
    helpful_received = serializers.IntegerField(read_only=True)
    is_followed = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "username",
            "display_name",
            "bio",
            "avatar",
            "role",
            "interest_categories",
            "date_joined",
            "followers_count",
            "following_count",
            "review_count",
            "helpful_received",
            "is_followed",
        ]
        read_only_fields = fields

    def get_is_followed(self, user) -> bool:
        return bool(getattr(user, "is_followed", False))


class MeSerializer(PublicProfileSerializer):
    """Your own profile: the public one plus your settings."""

    language = serializers.CharField(read_only=True, help_text="Interface language; blank: the browser's.")

    class Meta(PublicProfileSerializer.Meta):
        fields = [*PublicProfileSerializer.Meta.fields, "language"]
        read_only_fields = fields


def _category_queryset():
    # Categories live in the reviews app; reach them through the relation so accounts never
    # imports reviews.
    return User._meta.get_field("interest_categories").related_model.objects.all()


class ProfileUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    bio = serializers.CharField(required=False, allow_blank=True, max_length=500)
    avatar = serializers.FileField(required=False, allow_null=True)
    interest_categories = SlugRelatedField(many=True, required=False, slug_field="slug", queryset=_category_queryset())
    language = serializers.ChoiceField(
        choices=[("", "browser"), *settings.LANGUAGES],
        required=False,
        allow_blank=True,
        help_text="Interface language; blank follows the request's Accept-Language.",
    )


class FollowStateSerializer(serializers.Serializer):
    following = serializers.BooleanField()
    followers_count = serializers.IntegerField()


class NotificationSerializer(serializers.ModelSerializer):
    # Worded in the request's language from kind and data (accounts.notifications).
    title = serializers.CharField(source="shown_title", read_only=True)
    body = serializers.CharField(source="shown_body", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "data", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationsReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="Omit to mark all read.",
    )


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()
