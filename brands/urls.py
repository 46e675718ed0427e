from django.urls import path

from . import (
    converters,  # noqa: F401 - registers <brands_id:...>
    views,
)

urlpatterns = [
    path("brand/", views.brand_home, name="brand-home"),
    path("brand/campaigns/new/", views.campaign_create, name="brand-campaign-create"),
    path("brand/campaigns/<brands_id:pk>/", views.campaign_detail, name="brand-campaign"),
    path("brand/campaigns/<brands_id:pk>/invite/", views.campaign_invite, name="brand-campaign-invite"),
    path("brand/campaigns/<brands_id:pk>/auto-invite/", views.campaign_auto_invite, name="brand-campaign-auto"),
    path("brand/campaigns/<brands_id:pk>/close/", views.campaign_close, name="brand-campaign-close"),
    path("brand/campaigns/<brands_id:pk>/export.csv", views.campaign_export, name="brand-campaign-export"),
    path("brand/invitations/<brands_id:pk>/ship/", views.invitation_ship, name="brand-invitation-ship"),
    path("brand/members/invite/", views.member_invite, name="brand-member-invite"),
    path("brand/members/<str:username>/remove/", views.member_remove, name="brand-member-remove"),
    path("brand/members/<str:username>/owner/", views.member_owner, name="brand-member-owner"),
    path(
        "brand/member-invitations/<brands_id:pk>/withdraw/",
        views.member_invitation_withdraw,
        name="brand-member-invitation-withdraw",
    ),
    path("brand/leave/", views.member_leave, name="brand-leave"),
    path("brand-invitations/", views.brand_invitations, name="brand-invitations"),
    path("brand-invitations/<brands_id:pk>/accept/", views.brand_invitation_accept, name="brand-invitation-accept"),
    path("brand-invitations/<brands_id:pk>/decline/", views.brand_invitation_decline, name="brand-invitation-decline"),
    path("brand/verification/", views.verification, name="brands-verification"),
    path("brand/verification/<slug:slug>/", views.verification_decide, name="brands-verification-decide"),
    path("tester/", views.tester_invitations, name="tester-invitations"),
    path("tester/invitations/<brands_id:pk>/accept/", views.tester_accept, name="tester-accept"),
    path("tester/invitations/<brands_id:pk>/decline/", views.tester_decline, name="tester-decline"),
    path("tester/invitations/<brands_id:pk>/received/", views.tester_received, name="tester-received"),
    path("tester/invitations/<brands_id:pk>/link/", views.tester_link, name="tester-link"),
]
