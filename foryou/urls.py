from django.urls import path

from . import views

urlpatterns = [
    path("for-you/", views.for_you, name="for-you"),
    path("for-you/interests/", views.interests, name="foryou-interests"),
    path("for-you/show-less/", views.show_less, name="foryou-show-less"),
    path("for-you/reset/", views.reset, name="foryou-reset"),
    path("r/<int:pk>/related/", views.related, name="foryou-related"),
]
