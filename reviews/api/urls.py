from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("categories", views.CategoryViewSet, basename="category")
router.register("brands", views.BrandViewSet, basename="brand")
router.register("products", views.ProductViewSet, basename="product")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("comments", views.CommentViewSet, basename="comment")

urlpatterns = [
    path("feed/", views.FeedView.as_view(), name="api-feed"),
    path("me/saved/", views.MySavedView.as_view(), name="api-my-saved"),
    path("", include(router.urls)),
]
