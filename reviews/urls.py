from django.urls import path

from . import views

# Discover, the review, product and profile pages read the ranking: ranking/urls.py; the search
# page is search/urls.py.
urlpatterns = [
    path("write/", views.review_create, name="review-create"),
    path("r/<int:pk>/vote/", views.review_vote, name="review-vote"),
    path("r/<int:pk>/save/", views.review_save, name="review-save"),
    path("r/<int:pk>/edit/", views.review_edit, name="review-edit"),
    path("r/<int:pk>/delete/", views.review_delete, name="review-delete"),
    path("c/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("c/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
]
