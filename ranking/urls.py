from django.urls import path

from . import views

# "product-detail" and "review-detail" are the names Product/Review.get_absolute_url reverse.
urlpatterns = [
    path("", views.discover, name="discover"),
    path("r/<int:pk>/", views.review_detail, name="review-detail"),
    path("r/<int:pk>/comments/", views.comment_create, name="comment-create"),
    path("p/<slug:slug>/", views.product_detail, name="product-detail"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("rankings/", views.category_rankings, name="category-rankings"),
    path("rankings/levels/", views.levels, name="levels"),
    path("rankings/<slug:slug>/", views.category_ranking, name="category-ranking"),
]
