from rest_framework import serializers

from accounts.api.serializers import UserSummarySerializer
from config.fields import BooleanField, SlugRelatedField
from reviews.api.serializers import ReviewSerializer
from reviews.models import Brand, BrandMembership, Category, Product

from ..models import Campaign, CampaignEvent, Invitation, MembershipInvitation

# --- brands and products ---------------------------------------------------------------------------


class BrandRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    website = serializers.URLField(required=False, allow_blank=True, default="")


class MyBrandSerializer(serializers.ModelSerializer):
    # A plain string, as in reviews' BrandSerializer: the website may be empty, which is not a URI.
    website = serializers.CharField(read_only=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Brand
        fields = ["id", "name", "slug", "description", "website", "is_verified", "members"]
        read_only_fields = fields

    def get_members(self, brand) -> list[str]:
        return [m.user.username for m in brand.memberships.select_related("user").order_by("created_at", "id")]


class MemberInviteSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class BrandMemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.public_name", read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = BrandMembership
        fields = ["username", "display_name", "is_owner", "joined_at"]
        read_only_fields = fields


class MemberOwnerSerializer(serializers.Serializer):
    # A PATCH: left out, nothing changes (the body is JSON only, so absent never reads as false).
    is_owner = serializers.BooleanField(required=False)


class MembershipInvitationSerializer(serializers.ModelSerializer):
    """An invitation to speak for a brand, as the brand and the invitee see it."""

    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    invitee = serializers.CharField(source="invitee.username", read_only=True)
    invited_by = serializers.SerializerMethodField()

    class Meta:
        model = MembershipInvitation
        fields = ["id", "brand", "brand_name", "invitee", "invited_by", "status", "created_at", "responded_at"]
        read_only_fields = fields

    def get_invited_by(self, invitation) -> str | None:
        return invitation.invited_by.username if invitation.invited_by_id else None


class BrandEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CampaignEvent
        fields = ["id", "kind", "actor", "campaign", "data", "created_at"]
        read_only_fields = fields

    def get_actor(self, event) -> str:
        return event.actor.username if event.actor_id else "candor"


class VerificationSerializer(serializers.Serializer):
    verified = BooleanField()  # config.fields: required in form bodies too
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BrandProductSerializer(serializers.ModelSerializer):
    """One of the brand's products with its standing in its category."""

    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    category_rank = serializers.IntegerField(read_only=True, allow_null=True)
    review_count = serializers.IntegerField(read_only=True)
    average_rating = serializers.FloatField(read_only=True, allow_null=True)
    campaign_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "category",
            "category_name",
            "category_rank",
            "review_count",
            "average_rating",
            "campaign_count",
        ]
        read_only_fields = fields


class BrandProductCreateSerializer(serializers.Serializer):
    category = SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    name = serializers.CharField(max_length=160)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class BrandProductUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)


# --- campaigns ---------------------------------------------------------------------------------------


class FunnelSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    accepted = serializers.IntegerField()
    shipped = serializers.IntegerField()
    received = serializers.IntegerField()
    reviewed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    declined = serializers.IntegerField()
    expired = serializers.IntegerField()
    units = serializers.IntegerField()
    units_left = serializers.IntegerField()


class CampaignSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    funnel = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "brand",
            "product",
            "product_name",
            "title",
            "description",
            "units",
            "categories",
            "min_level",
            "invite_opens_at",
            "invite_closes_at",
            "review_days",
            "status",
            "created_at",
            "closed_at",
            "funnel",
        ]
        read_only_fields = fields

    def get_funnel(self, campaign) -> dict:
        # Annotated by selectors.campaigns_for_brand: no query per row.
        holding = getattr(campaign, "n_holding", 0)
        return {
            "invited": getattr(campaign, "n_invited", 0),
            "accepted": getattr(campaign, "n_accepted", 0),
            "shipped": getattr(campaign, "n_shipped", 0),
            "received": getattr(campaign, "n_received", 0),
            "reviewed": getattr(campaign, "n_reviewed", 0),
            "overdue": getattr(campaign, "n_overdue", 0),
            "declined": getattr(campaign, "n_declined", 0),
            "expired": getattr(campaign, "n_expired", 0),
            "units": campaign.units,
            "units_left": max(campaign.units - holding, 0),
        }


class CampaignCreateSerializer(serializers.Serializer):
    product = SlugRelatedField(slug_field="slug", queryset=Product.objects.all())
    title = serializers.CharField(max_length=160)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    units = serializers.IntegerField(min_value=1, max_value=100_000)
    categories = SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), many=True, required=False, default=list
    )
    min_level = serializers.IntegerField(min_value=1, max_value=10, required=False, default=1)
    invite_opens_at = serializers.DateTimeField()
    invite_closes_at = serializers.DateTimeField()
    review_days = serializers.IntegerField(min_value=1, max_value=90)


class CandidateSerializer(serializers.Serializer):
    """KOC discovery: public figures only (no email, no address, no completion history)."""

    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.public_name")
    avatar = serializers.ImageField(source="user.avatar", allow_null=True)
    level = serializers.IntegerField()
    category_reputation = serializers.FloatField()
    review_count = serializers.IntegerField()
    average_helpfulness = serializers.FloatField()
    followers = serializers.IntegerField()
    match_score = serializers.FloatField()


class InviteSerializer(serializers.Serializer):
    testers = serializers.ListField(child=serializers.CharField(max_length=150), min_length=1, max_length=500)


class AutoInviteSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=500, required=False, allow_null=True, default=None)


class ShipSerializer(serializers.Serializer):
    tracking = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class BrandInvitationSerializer(serializers.ModelSerializer):
    """An invitation as the brand sees it. The shipping address only while the brand must ship."""

    tester = UserSummarySerializer(read_only=True)
    invited_by_candor = serializers.SerializerMethodField()
    shipping_address = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "campaign",
            "tester",
            "status",
            "invited_by_candor",
            "match_score",
            "invited_at",
            "responded_at",
            "accepted_at",
            "shipping_address",
            "shipped_at",
            "tracking",
            "received_at",
            "due_at",
            "overdue_at",
            "review",
            "reviewed_at",
        ]
        read_only_fields = fields

    def get_invited_by_candor(self, invitation) -> bool:
        return invitation.invited_by_id is None

    def get_shipping_address(self, invitation) -> str | None:
        return invitation.shipping_address if invitation.status == Invitation.Status.ACCEPTED else None


class CampaignEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    tester = serializers.SerializerMethodField()

    class Meta:
        model = CampaignEvent
        fields = ["id", "kind", "actor", "invitation", "tester", "data", "created_at"]
        read_only_fields = fields

    def get_actor(self, event) -> str:
        return event.actor.username if event.actor_id else "candor"

    def get_tester(self, event) -> str | None:
        return event.invitation.tester.username if event.invitation_id else None


class DashboardSerializer(serializers.Serializer):
    campaign = CampaignSerializer()
    funnel = FunnelSerializer()
    rating_distribution = serializers.DictField(child=serializers.IntegerField())
    helpfulness = serializers.DictField()
    timeline = serializers.ListField(child=serializers.DictField())
    reviews = ReviewSerializer(many=True)


# --- tester side ------------------------------------------------------------------------------------


class TesterCampaignSerializer(serializers.ModelSerializer):
    brand = serializers.CharField(source="brand.name", read_only=True)
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "brand", "product", "product_name", "title", "description", "review_days", "invite_closes_at"]
        read_only_fields = fields


class TesterInvitationSerializer(serializers.ModelSerializer):
    campaign = TesterCampaignSerializer(read_only=True)
    disclosure = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "campaign",
            "status",
            "invited_at",
            "accepted_at",
            "shipping_address",
            "shipped_at",
            "tracking",
            "received_at",
            "due_at",
            "reminder_sent_at",
            "overdue_at",
            "review",
            "reviewed_at",
            "disclosure",
        ]
        read_only_fields = fields

    def get_disclosure(self, invitation) -> dict | None:
        return invitation.disclosure(invitation.campaign.brand.name) if invitation.review_id else None


class AcceptSerializer(serializers.Serializer):
    shipping_address = serializers.CharField(max_length=500)


class LinkReviewSerializer(serializers.Serializer):
    review = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
