from django.urls import path

from . import views

urlpatterns = [
    path("for-you/", views.ForYouView.as_view(), name="api-for-you"),
    path("for-you/interests/", views.InterestsView.as_view(), name="api-for-you-interests"),
    path("for-you/show-less/", views.ShowLessView.as_view(), name="api-for-you-show-less"),
    path("for-you/seen/", views.SeenView.as_view(), name="api-for-you-seen"),
    path("for-you/reset/", views.ResetView.as_view(), name="api-for-you-reset"),
    path("reviews/<int:pk>/related/", views.RelatedView.as_view(), name="api-review-related"),
]
