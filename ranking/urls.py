from django.urls import path

from . import views

urlpatterns = [
    path("", views.category_rankings, name="category-rankings"),
    path("levels/", views.levels, name="levels"),
    path("<slug:slug>/", views.category_ranking, name="category-ranking"),
]
