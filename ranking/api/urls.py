from django.urls import path

from . import views

urlpatterns = [
    path("discover/", views.DiscoverView.as_view(), name="api-discover"),
    path("levels/", views.LevelsView.as_view(), name="api-levels"),
    path(
        "products/<slug:slug>/reviews/most-helpful/", views.MostHelpfulView.as_view(), name="api-product-most-helpful"
    ),
    path("reviews/<int:pk>/ranking/", views.ScoreExplanationView.as_view(), name="api-review-ranking"),
    path("users/<str:username>/standing/", views.StandingView.as_view(), name="api-user-standing"),
    path("categories/<slug:slug>/ranking/", views.CategoryRankingView.as_view(), name="api-category-ranking"),
]
