from django.urls import path

from .. import converters  # noqa: F401 - registers <brands_id:...>
from . import views

urlpatterns = [
    # Brand members (scoped to their own brand).
    path("brand/", views.MyBrandView.as_view(), name="api-my-brand"),
    path("brand/members/", views.BrandMembersView.as_view(), name="api-brand-members"),
    path("brand/members/<str:username>/", views.BrandMemberView.as_view(), name="api-brand-member"),
    path("brand/membership/", views.MyMembershipView.as_view(), name="api-brand-membership"),
    path(
        "brand/member-invitations/",
        views.BrandMembershipInvitationsView.as_view(),
        name="api-brand-member-invitations",
    ),
    path(
        "brand/member-invitations/<brands_id:pk>/withdraw/",
        views.BrandMembershipInvitationWithdrawView.as_view(),
        name="api-brand-member-invitation-withdraw",
    ),
    path("brand/events/", views.BrandEventsView.as_view(), name="api-brand-events"),
    path("brand/products/", views.BrandProductsView.as_view(), name="api-brand-products"),
    path("brand/products/<slug:slug>/", views.BrandProductView.as_view(), name="api-brand-product"),
    path("brand/campaigns/", views.CampaignsView.as_view(), name="api-campaigns"),
    path("brand/campaigns/<brands_id:pk>/", views.CampaignView.as_view(), name="api-campaign"),
    path("brand/campaigns/<brands_id:pk>/close/", views.CampaignCloseView.as_view(), name="api-campaign-close"),
    path(
        "brand/campaigns/<brands_id:pk>/candidates/",
        views.CampaignCandidatesView.as_view(),
        name="api-campaign-candidates",
    ),
    path(
        "brand/campaigns/<brands_id:pk>/invitations/",
        views.CampaignInvitationsView.as_view(),
        name="api-campaign-invitations",
    ),
    path(
        "brand/campaigns/<brands_id:pk>/auto-invite/", views.CampaignAutoInviteView.as_view(), name="api-campaign-auto"
    ),
    path(
        "brand/campaigns/<brands_id:pk>/dashboard/",
        views.CampaignDashboardView.as_view(),
        name="api-campaign-dashboard",
    ),
    path("brand/campaigns/<brands_id:pk>/events/", views.CampaignEventsView.as_view(), name="api-campaign-events"),
    path("brand/campaigns/<brands_id:pk>/export/", views.CampaignExportView.as_view(), name="api-campaign-export"),
    path("brand/invitations/<brands_id:pk>/ship/", views.InvitationShipView.as_view(), name="api-invitation-ship"),
    # Moderators.
    path("brands/<slug:slug>/verification/", views.BrandVerificationView.as_view(), name="api-brand-verification"),
    # Invitees: invitations to speak for a brand.
    path("brand-invitations/", views.MyBrandInvitationsView.as_view(), name="api-brand-invitations"),
    path(
        "brand-invitations/<brands_id:pk>/accept/",
        views.MyBrandInvitationAcceptView.as_view(),
        name="api-brand-invitation-accept",
    ),
    path(
        "brand-invitations/<brands_id:pk>/decline/",
        views.MyBrandInvitationDeclineView.as_view(),
        name="api-brand-invitation-decline",
    ),
    # Testers.
    path("tester/invitations/", views.TesterInvitationsView.as_view(), name="api-tester-invitations"),
    path("tester/invitations/<brands_id:pk>/", views.TesterInvitationView.as_view(), name="api-tester-invitation"),
    path("tester/invitations/<brands_id:pk>/accept/", views.TesterAcceptView.as_view(), name="api-tester-accept"),
    path("tester/invitations/<brands_id:pk>/decline/", views.TesterDeclineView.as_view(), name="api-tester-decline"),
    path("tester/invitations/<brands_id:pk>/received/", views.TesterReceivedView.as_view(), name="api-tester-received"),
    path(
        "tester/invitations/<brands_id:pk>/link-review/", views.TesterLinkReviewView.as_view(), name="api-tester-link"
    ),
]
