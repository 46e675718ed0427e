from django.urls import path

from . import views

# "product-detail" and "review-detail" are the names Product/Review.get_absolute_url reverse.
urlpatterns = [
    path("", views.discover, name="discover"),
    path("search/", views.search, name="search"),
    path("write/", views.review_create, name="review-create"),
    path("r/<int:pk>/", views.review_detail, name="review-detail"),
    path("r/<int:pk>/vote/", views.review_vote, name="review-vote"),
    path("r/<int:pk>/save/", views.review_save, name="review-save"),
    path("r/<int:pk>/comments/", views.comment_create, name="comment-create"),
    path("p/<slug:slug>/", views.product_detail, name="product-detail"),
    path("u/<str:username>/", views.profile, name="profile"),
]
