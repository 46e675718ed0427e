from django.urls import path

from . import views

urlpatterns = [
    # Every member: report a review or a comment.
    path("report/review/<int:pk>/", views.report_review, name="report-review"),
    path("report/comment/<int:pk>/", views.report_comment, name="report-comment"),
    # Moderators.
    path("moderation/", views.queue, name="moderation-queue"),
    path("moderation/queue/<int:pk>/", views.queue_item, name="moderation-item"),
    path("moderation/queue/<int:pk>/dismiss/", views.queue_item_dismiss, name="moderation-item-dismiss"),
    path("moderation/reviews/<int:pk>/", views.review_page, name="moderation-review"),
    path("moderation/reviews/<int:pk>/action/", views.review_action, name="moderation-review-action"),
    path("moderation/reviews/<int:pk>/feature/", views.review_feature, name="moderation-review-feature"),
    path("moderation/comments/<int:pk>/", views.comment_page, name="moderation-comment"),
    path("moderation/comments/<int:pk>/action/", views.comment_action, name="moderation-comment-action"),
    path("moderation/undo/<int:pk>/", views.decision_undo, name="moderation-undo"),
    path("moderation/members/<str:username>/", views.member_page, name="moderation-member"),
    path("moderation/members/<str:username>/action/", views.member_action, name="moderation-member-action"),
    path("moderation/fraud/<int:pk>/", views.fraud_flag_page, name="moderation-fraud-flag"),
    path("moderation/fraud/<int:pk>/decision/", views.fraud_flag_decision, name="moderation-fraud-decision"),
    path("moderation/announcements/", views.announcements, name="moderation-announcements"),
    path("moderation/announcements/<int:pk>/", views.announcement_edit, name="moderation-announcement"),
    path("moderation/picks/", views.picks_index, name="moderation-picks"),
    path("moderation/picks/<slug:slug>/", views.picks_edit, name="moderation-picks-edit"),
    path("moderation/audit/", views.audit, name="moderation-audit"),
]
