from django.urls import path

from . import views

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="api-register"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/notifications/", views.NotificationListView.as_view(), name="api-notifications"),
    path("me/notifications/unread/", views.NotificationUnreadView.as_view(), name="api-notifications-unread"),
    path("me/notifications/read/", views.NotificationReadView.as_view(), name="api-notifications-read"),
    path("users/<str:username>/", views.ProfileView.as_view(), name="api-user"),
    path("users/<str:username>/follow/", views.FollowView.as_view(), name="api-user-follow"),
    path("users/<str:username>/followers/", views.FollowersView.as_view(), name="api-user-followers"),
    path("users/<str:username>/following/", views.FollowingView.as_view(), name="api-user-following"),
]
