from django.urls import path

from . import views

urlpatterns = [
    # Members and readers.
    path("reports/", views.ReportListCreateView.as_view(), name="api-reports"),
    path("me/moderation/", views.MyDecisionsView.as_view(), name="api-my-moderation"),
    path("announcements/", views.AnnouncementListView.as_view(), name="api-announcements"),
    path("categories/<slug:slug>/editors-picks/", views.EditorsPicksView.as_view(), name="api-editors-picks"),
    # Moderators.
    path("moderation/queue/", views.QueueListView.as_view(), name="api-mod-queue"),
    path("moderation/queue/<int:pk>/", views.QueueItemView.as_view(), name="api-mod-queue-item"),
    path("moderation/queue/<int:pk>/dismiss/", views.QueueItemDismissView.as_view(), name="api-mod-queue-dismiss"),
    path("moderation/reviews/<int:pk>/action/", views.ReviewActionView.as_view(), name="api-mod-review-action"),
    path("moderation/reviews/<int:pk>/feature/", views.FeatureView.as_view(), name="api-mod-review-feature"),
    path("moderation/comments/<int:pk>/action/", views.CommentActionView.as_view(), name="api-mod-comment-action"),
    path("moderation/users/<str:username>/action/", views.UserActionView.as_view(), name="api-mod-user-action"),
    path("moderation/announcements/", views.AnnouncementModListView.as_view(), name="api-mod-announcements"),
    path("moderation/announcements/<int:pk>/", views.AnnouncementModDetailView.as_view(), name="api-mod-announcement"),
    path("moderation/editors-picks/<slug:slug>/", views.EditorsPicksEditView.as_view(), name="api-mod-editors-picks"),
    path("moderation/fraud-flags/", views.FraudFlagListView.as_view(), name="api-mod-fraud-flags"),
    path("moderation/fraud-flags/<int:pk>/", views.FraudFlagView.as_view(), name="api-mod-fraud-flag"),
    path(
        "moderation/fraud-flags/<int:pk>/decision/",
        views.FraudFlagDecisionView.as_view(),
        name="api-mod-fraud-decision",
    ),
    path("moderation/audit/", views.AuditListView.as_view(), name="api-mod-audit"),
    path("moderation/audit/<int:pk>/", views.AuditEntryView.as_view(), name="api-mod-audit-entry"),
]
