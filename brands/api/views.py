"""The tester program's API. Brand endpoints are scoped to the caller's own brand: another brand's
campaign, product or invitation answers 404, exactly like one that does not exist."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from config.exceptions import Conflict
from config.pagination import NewestFirstCursorPagination
from reviews.models import Brand, Product, Review

from .. import exports, selectors, services
from ..models import Campaign, Invitation, MembershipInvitation
from .serializers import (
    AcceptSerializer,
    AutoInviteSerializer,
    BrandEventSerializer,
    BrandInvitationSerializer,
    BrandMemberSerializer,
    BrandProductCreateSerializer,
    BrandProductSerializer,
    BrandProductUpdateSerializer,
    BrandRegisterSerializer,
    CampaignCreateSerializer,
    CampaignEventSerializer,
    CampaignSerializer,
    CandidateSerializer,
    DashboardSerializer,
    InviteSerializer,
    LinkReviewSerializer,
    MemberInviteSerializer,
    MemberOwnerSerializer,
    MembershipInvitationSerializer,
    MyBrandSerializer,
    ShipSerializer,
    TesterInvitationSerializer,
    VerificationSerializer,
)


class ProgramView(APIView):
    """Maps TransitionRefused (a step the item's state does not allow) to 409, in one place."""

    permission_classes = [permissions.IsAuthenticated]
    # Beyond "signed in", the services check whose brand this is (403), and a step the object's
    # state refuses is a 409: both documented for every operation (config/schema.py).
    schema_error_statuses = (403, 409)

    def handle_exception(self, exc):
        if isinstance(exc, services.TransitionRefused):
            exc = Conflict({exc.field: [exc.message]})
        return super().handle_exception(exc)

    def brand(self) -> Brand:
        return services.member_brand(self.request.user)

    def campaign(self, pk: int) -> Campaign:
        campaign = selectors.campaign_for_brand(self.brand(), pk)
        if campaign is None:
            raise Http404
        return campaign

    def brand_invitation(self, pk: int) -> Invitation:
        return get_object_or_404(
            Invitation.objects.select_related("campaign", "tester"), pk=pk, campaign__brand=self.brand()
        )

    def tester_invitation(self, pk: int) -> Invitation:
        return get_object_or_404(selectors.invitations_for_tester(self.request.user), pk=pk)


class ProgramListView(ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    schema_error_statuses = (403,)  # not a member of a brand (config/schema.py)
    filter_backends: list = []


# --- brand and products ------------------------------------------------------------------------------


class MyBrandView(ProgramView):
    @extend_schema(responses=MyBrandSerializer)
    def get(self, request):
        """The brand you speak for (403 when none)."""
        return Response(MyBrandSerializer(self.brand()).data)

    @extend_schema(request=BrandRegisterSerializer, responses={201: MyBrandSerializer})
    def post(self, request):
        """Register a new brand; a moderator verifies it before it can run campaigns."""
        data = BrandRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        brand = services.brand_register(user=request.user, **data.validated_data)
        return Response(MyBrandSerializer(brand).data, status=status.HTTP_201_CREATED)


class BrandMembersView(ProgramView):
    @extend_schema(responses=BrandMemberSerializer(many=True))
    def get(self, request):
        """Your brand's members, earliest first."""
        return Response(BrandMemberSerializer(selectors.brand_members(self.brand()), many=True).data)

    @extend_schema(request=MemberInviteSerializer, responses={201: MembershipInvitationSerializer})
    def post(self, request):
        """Owners: invite a person to speak for your brand. They join only by accepting."""
        data = MemberInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.brand_member_invite(actor=request.user, username=data.validated_data["username"])
        return Response(MembershipInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class BrandMemberView(ProgramView):
    # JSON only: a form-encoded body without `is_owner` must not read as false.
    parser_classes = [JSONParser]

    def member(self, username: str):
        return get_object_or_404(selectors.brand_members(self.brand()), user__username=username)

    @extend_schema(request=MemberOwnerSerializer, responses=BrandMemberSerializer)
    def patch(self, request, username: str):
        """Owners: make a member an owner, or unmake one (a brand keeps at least one owner)."""
        self.member(username)
        data = MemberOwnerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.brand_member_set_owner(
            actor=request.user, username=username, is_owner=data.validated_data.get("is_owner")
        )
        return Response(BrandMemberSerializer(self.member(username)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, username: str):
        """Owners: remove a member from your brand."""
        self.member(username)
        services.brand_member_remove(actor=request.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyMembershipView(ProgramView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Leave the brand you speak for (its last owner leaves last, or after making another
        member an owner)."""
        services.brand_member_leave(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandMembershipInvitationsView(ProgramView):
    @extend_schema(responses=MembershipInvitationSerializer(many=True))
    def get(self, request):
        """The invitations your brand sent, pending first."""
        invitations = selectors.brand_membership_invitations(self.brand())[:500]
        return Response(MembershipInvitationSerializer(invitations, many=True).data)


class BrandMembershipInvitationWithdrawView(ProgramView):
    @extend_schema(request=None, responses=MembershipInvitationSerializer)
    def post(self, request, pk: int):
        """Owners: withdraw a pending invitation."""
        invitation = get_object_or_404(selectors.brand_membership_invitations(self.brand()), pk=pk)
        invitation = services.brand_invitation_withdraw(actor=request.user, invitation=invitation)
        return Response(MembershipInvitationSerializer(invitation).data)


class BrandEventsView(ProgramView):
    @extend_schema(responses=BrandEventSerializer(many=True))
    def get(self, request):
        """Your brand's record: who joined, left, was invited or removed, verification, products
        and campaigns; who did it and when."""
        return Response(BrandEventSerializer(selectors.brand_events(self.brand())[:500], many=True).data)


class BrandVerificationView(ProgramView):
    @extend_schema(request=VerificationSerializer, responses=MyBrandSerializer)
    def post(self, request, slug: str):
        """Moderators: verify a brand (or withdraw it)."""
        brand = get_object_or_404(Brand, slug=slug)
        data = VerificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        brand = services.brand_verify(moderator=request.user, brand=brand, **data.validated_data)
        return Response(MyBrandSerializer(brand).data)


class BrandProductsView(ProgramListView, ProgramView):
    """Your brand's products with their category ranks (across campaigns)."""

    serializer_class = BrandProductSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.brand_products(self.brand())

    @extend_schema(request=BrandProductCreateSerializer, responses={201: BrandProductSerializer})
    def post(self, request):
        data = BrandProductCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.brand_product_create(member=request.user, **data.validated_data)
        row = selectors.brand_products(self.brand()).get(pk=product.pk)
        return Response(BrandProductSerializer(row).data, status=status.HTTP_201_CREATED)


class BrandProductView(ProgramView):
    def product(self, slug: str) -> Product:
        return get_object_or_404(selectors.brand_products(self.brand()), slug=slug)

    @extend_schema(responses=BrandProductSerializer)
    def get(self, request, slug: str):
        return Response(BrandProductSerializer(self.product(slug)).data)

    @extend_schema(request=BrandProductUpdateSerializer, responses=BrandProductSerializer)
    def patch(self, request, slug: str):
        product = self.product(slug)
        data = BrandProductUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.brand_product_update(member=request.user, product=product, **data.validated_data)
        return Response(BrandProductSerializer(self.product(slug)).data)


# --- campaigns ---------------------------------------------------------------------------------------


class CampaignsView(ProgramListView, ProgramView):
    serializer_class = CampaignSerializer

    def get_queryset(self):
        return selectors.campaigns_for_brand(self.brand())

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def post(self, request):
        data = CampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = services.campaign_create(member=request.user, **data.validated_data)
        return Response(CampaignSerializer(self.campaign(campaign.pk)).data, status=status.HTTP_201_CREATED)


class CampaignView(ProgramView):
    @extend_schema(responses=CampaignSerializer)
    def get(self, request, pk: int):
        return Response(CampaignSerializer(self.campaign(pk)).data)


class CampaignCloseView(ProgramView):
    @extend_schema(request=None, responses=CampaignSerializer)
    def post(self, request, pk: int):
        services.campaign_close(member=request.user, campaign=self.campaign(pk))
        return Response(CampaignSerializer(self.campaign(pk)).data)


class CampaignCandidatesView(ProgramView):
    @extend_schema(responses=CandidateSerializer(many=True))
    def get(self, request, pk: int):
        """KOC discovery: the eligible invited testers, best match first, public figures only."""
        candidates = selectors.campaign_candidates(self.campaign(pk), limit=100)
        return Response(CandidateSerializer(candidates, many=True, context={"request": request}).data)


class CampaignInvitationsView(ProgramView):
    @extend_schema(responses=BrandInvitationSerializer(many=True))
    def get(self, request, pk: int):
        invitations = selectors.campaign_invitations(self.campaign(pk))
        return Response(BrandInvitationSerializer(invitations, many=True, context={"request": request}).data)

    @extend_schema(request=InviteSerializer, responses={201: BrandInvitationSerializer(many=True)})
    def post(self, request, pk: int):
        """Invite testers by username: all or none (each must be eligible; within units and window)."""
        campaign = self.campaign(pk)
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        names = list(dict.fromkeys(data.validated_data["testers"]))
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        missing = [n for n in names if n not in users]
        if missing:
            unknown = ngettext("No member is called %(names)s.", "No members are called %(names)s.", len(missing))
            return Response({"testers": [unknown % {"names": selectors.listed(missing)}]}, status=400)
        invitations = services.campaign_invite(actor=request.user, campaign=campaign, testers=list(users.values()))
        return Response(
            BrandInvitationSerializer(invitations, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CampaignAutoInviteView(ProgramView):
    @extend_schema(request=AutoInviteSerializer, responses={201: BrandInvitationSerializer(many=True)})
    def post(self, request, pk: int):
        """Let Candor invite the best matches, up to `count` (default: every unit left)."""
        campaign = self.campaign(pk)
        data = AutoInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitations = services.campaign_auto_invite(
            actor=request.user, campaign=campaign, count=data.validated_data["count"]
        )
        return Response(
            BrandInvitationSerializer(invitations, many=True, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CampaignDashboardView(ProgramView):
    @extend_schema(responses=DashboardSerializer)
    def get(self, request, pk: int):
        """Funnel, rating distribution, helpfulness, the linked reviews and their timeline."""
        campaign = self.campaign(pk)
        dashboard = selectors.campaign_dashboard(campaign)
        reviews = list(selectors.campaign_reviews(campaign)[:100])
        payload = {"campaign": campaign, **dashboard, "reviews": reviews}
        payload["rating_distribution"] = {str(k): v for k, v in dashboard["rating_distribution"].items()}
        return Response(DashboardSerializer(payload, context={"request": request}).data)


class CampaignEventsView(ProgramView):
    @extend_schema(responses=CampaignEventSerializer(many=True))
    def get(self, request, pk: int):
        """The campaign's record: every state change, who made it and when."""
        events = selectors.campaign_events(self.campaign(pk))[:500]
        return Response(CampaignEventSerializer(events, many=True).data)


class CampaignExportView(ProgramView):
    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(description="One row per invitation")})
    def get(self, request, pk: int):
        campaign = self.campaign(pk)
        return exports.campaign_csv_response(campaign)


class InvitationShipView(ProgramView):
    @extend_schema(request=ShipSerializer, responses=BrandInvitationSerializer)
    def post(self, request, pk: int):
        invitation = self.brand_invitation(pk)
        data = ShipSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_ship(member=request.user, invitation=invitation, **data.validated_data)
        return Response(BrandInvitationSerializer(invitation, context={"request": request}).data)


# --- invitations to speak for a brand, as the invitee sees them ---------------------------------------


class InviteeView(ProgramView):
    def invitation(self, pk: int) -> MembershipInvitation:
        return get_object_or_404(selectors.membership_invitations_for(self.request.user), pk=pk)


class MyBrandInvitationsView(InviteeView):
    @extend_schema(responses=MembershipInvitationSerializer(many=True))
    def get(self, request):
        """Invitations you received to speak for a brand, newest first."""
        invitations = selectors.membership_invitations_for(request.user)[:200]
        return Response(MembershipInvitationSerializer(invitations, many=True).data)


class MyBrandInvitationAcceptView(InviteeView):
    @extend_schema(request=None, responses=MembershipInvitationSerializer)
    def post(self, request, pk: int):
        """Join the brand: you then speak for it (and no longer test products or vote on its
        reviews; see the brands README)."""
        services.brand_invitation_accept(user=request.user, invitation=self.invitation(pk))
        return Response(MembershipInvitationSerializer(self.invitation(pk)).data)


class MyBrandInvitationDeclineView(InviteeView):
    @extend_schema(request=None, responses=MembershipInvitationSerializer)
    def post(self, request, pk: int):
        invitation = services.brand_invitation_decline(user=request.user, invitation=self.invitation(pk))
        return Response(MembershipInvitationSerializer(self.invitation(invitation.pk)).data)


# --- tester side -------------------------------------------------------------------------------------


class InvitedAtCursorPagination(NewestFirstCursorPagination):
    ordering = ("-invited_at", "-id")


class TesterInvitationsView(ProgramListView):
    """Your invitations, newest first."""

    serializer_class = TesterInvitationSerializer
    pagination_class = InvitedAtCursorPagination

    def get_queryset(self):
        return selectors.invitations_for_tester(self.request.user)


class TesterInvitationView(ProgramView):
    @extend_schema(responses=TesterInvitationSerializer)
    def get(self, request, pk: int):
        return Response(TesterInvitationSerializer(self.tester_invitation(pk)).data)


class TesterAcceptView(ProgramView):
    @extend_schema(request=AcceptSerializer, responses=TesterInvitationSerializer)
    def post(self, request, pk: int):
        invitation = self.tester_invitation(pk)
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.invitation_accept(tester=request.user, invitation=invitation, **data.validated_data)
        return Response(TesterInvitationSerializer(self.tester_invitation(pk)).data)


class TesterDeclineView(ProgramView):
    @extend_schema(request=None, responses=TesterInvitationSerializer)
    def post(self, request, pk: int):
        services.invitation_decline(tester=request.user, invitation=self.tester_invitation(pk))
        return Response(TesterInvitationSerializer(self.tester_invitation(pk)).data)


class TesterReceivedView(ProgramView):
    @extend_schema(request=None, responses=TesterInvitationSerializer)
    def post(self, request, pk: int):
        services.invitation_receive(tester=request.user, invitation=self.tester_invitation(pk))
        return Response(TesterInvitationSerializer(self.tester_invitation(pk)).data)


class TesterLinkReviewView(ProgramView):
    @extend_schema(request=LinkReviewSerializer, responses=TesterInvitationSerializer)
    def post(self, request, pk: int):
        """Link your review of the product explicitly (reviews posted after accepting link by
        themselves)."""
        invitation = self.tester_invitation(pk)
        data = LinkReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = Review.objects.filter(pk=data.validated_data["review"], author=request.user).first()
        if review is None:
            return Response({"review": [_("Choose one of your own reviews.")]}, status=400)
        services.invitation_link_review(invitation=invitation, review=review, actor=request.user)
        return Response(TesterInvitationSerializer(self.tester_invitation(pk)).data)
