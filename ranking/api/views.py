from dataclasses import asdict
from functools import cached_property

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from config import pagecache
from config.pagination import NewestFirstCursorPagination
from ranking import selectors
from reviews.models import Category, Product
from reviews.selectors import for_viewer, review_for_viewer, without_card_data

from .serializers import (
    DiscoverQuerySerializer,
    DiscoverReviewSerializer,
    LevelTableSerializer,
    RankedProductSerializer,
    RankedReviewSerializer,
    ScoreExplanationSerializer,
    StandingSerializer,
)


class DiscoverPagination(NewestFirstCursorPagination):
    # The stored discover score changes only when the review changes: a stable keyset.
    ordering = ("-discover_key", "-id")

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["own_new"] = {
            **schema,
            "description": (
                "The signed-in reader's own published reviews the rerank has not ranked yet, newest first "
                f"(at most {selectors.OWN_UNRANKED_SHOWN}), on the first page only; empty otherwise. They join "
                "`results` once ranked, within minutes; until then their `quality` and `discover_score` are "
                "those of the last scoring, or null."
            ),
        }
        response["required"] = [*response.get("required", []), "own_new"]
        return response


class MostHelpfulPagination(NewestFirstCursorPagination):
    ordering = ("-helpful_key", "-id")


class RankPagination(NewestFirstCursorPagination):
    ordering = ("rank", "id")


class CachedFirstPageMixin:
    """Anonymous requests for the first page (no cursor) are answered from the page cache
    (config/pagecache.py); `cached_params` are the other query parameters allowed."""

    cached_params: pagecache.Allowed = {}

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        return pagecache.cache_first_page(allowed={"page_size": pagecache.page_size, **cls.cached_params}, api=True)(
            view
        )


@extend_schema(
    parameters=[OpenApiParameter("category", str, description="Only this category (slug)")],
    responses=DiscoverReviewSerializer(many=True),
)
class DiscoverView(CachedFirstPageMixin, ListAPIView):
    """The discover feed: published reviews by quality, decaying with age (see /api/v1/levels/
    and docs/ranking.md). New reviews join `results` once the rerank job has scored them; until
    then their author finds them in `own_new` on the first page, as the web's Discover shows them."""

    serializer_class = RankedReviewSerializer
    pagination_class = DiscoverPagination
    filter_backends: list = []
    cached_params = {"category": pagecache.slug}

    @cached_property
    def category_slug(self) -> str | None:
        query = DiscoverQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        category = query.validated_data.get("category")
        return category.slug if category else None

    def get_queryset(self):
        category_slug = self.category_slug
        # Products, tags and photos only for the reviews not in the card cache (reviews/cards.py).
        return for_viewer(
            self.request.user,
            ("api-discover", category_slug),
            lambda viewer: without_card_data(selectors.discover_feed(viewer, category_slug=category_slug), scores=True),
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        own_new = []
        # Only the first page: a visitor's is page-cached and has none, a member's never is.
        if request.user.is_authenticated and "cursor" not in request.query_params:
            reviews = selectors.own_unranked_reviews(request.user, category_slug=self.category_slug)
            own_new = self.get_serializer(
                without_card_data(reviews.select_related("score"), scores=True), many=True
            ).data
        response.data["own_new"] = own_new
        return response


class MostHelpfulView(CachedFirstPageMixin, ListAPIView):
    """A product's reviews, most helpful first (quality score, no time decay)."""

    serializer_class = RankedReviewSerializer
    pagination_class = MostHelpfulPagination
    filter_backends: list = []

    def get_queryset(self):
        product = get_object_or_404(Product, slug=self.kwargs["slug"])
        return selectors.most_helpful_reviews(product, self.request.user)


class ScoreExplanationView(APIView):
    """Why this review is ranked where it is: each component, its weight and contribution."""

    @extend_schema(responses=ScoreExplanationSerializer)
    def get(self, request, pk: int):
        review = review_for_viewer(pk, request.user)
        if review is None:
            raise NotFound
        return Response(ScoreExplanationSerializer(selectors.score_explanation(review)).data)


class StandingView(APIView):
    """A member's level, progress to the next level, rank, badges and invited-tester status.
    The member (and moderators) also see the history of promotions and demotions."""

    @extend_schema(responses=StandingSerializer)
    def get(self, request, username: str):
        user = get_object_or_404(User, username=username, is_active=True)
        standing = selectors.standing_for(user)
        data = {**asdict(standing), "username": user.username}
        data["progress"] = asdict(standing.progress)
        if request.user.is_authenticated and (request.user.pk == user.pk or request.user.is_moderator):
            data["tester_history"] = list(selectors.tester_history(user)[:50])
        return Response(StandingSerializer(data).data)


class LevelsView(APIView):
    """The published level threshold table and the invited-tester bar."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=LevelTableSerializer)
    def get(self, request):
        return Response(
            LevelTableSerializer({"levels": selectors.level_table(), "tester_bar": selectors.invited_tester_bar()}).data
        )


class CategoryRankingView(CachedFirstPageMixin, ListAPIView):
    """Products of a category ranked by their quality-weighted Bayesian rating ("No. 1 in ...")."""

    serializer_class = RankedProductSerializer
    pagination_class = RankPagination
    filter_backends: list = []

    def get_queryset(self):
        category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return selectors.category_ranking_queryset(category)
