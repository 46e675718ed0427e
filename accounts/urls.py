from django.urls import path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("settings/profile/", views.profile_edit, name="profile-edit"),
    path("u/<str:username>/follow/", views.user_follow, name="user-follow"),
    path("language/", views.language_set, name="set-language"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
]
