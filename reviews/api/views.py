from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.pagination import NameCursorPagination, NewestFirstCursorPagination
from config.throttling import CandorRateThrottle
from reviews import selectors, services
from reviews.models import Brand, Category, Comment, Review

from .filters import ProductFilter, ReviewFilter
from .serializers import (
    BrandSerializer,
    CategorySerializer,
    CommentInputSerializer,
    CommentSerializer,
    PhotoUploadSerializer,
    ProductCreateSerializer,
    ProductSerializer,
    ReviewCreateSerializer,
    ReviewPhotoSerializer,
    ReviewSerializer,
    ReviewUpdateSerializer,
    SaveStateSerializer,
    VoteInputSerializer,
    VoteStateSerializer,
    vote_choice,
)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    pagination_class = NameCursorPagination
    lookup_field = "slug"


class BrandViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Brand.objects.all()
    serializer_class = BrandSerializer
    pagination_class = NameCursorPagination
    lookup_field = "slug"


class ProductViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductSerializer
    pagination_class = NameCursorPagination
    filterset_class = ProductFilter
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.products_with_stats()

    @extend_schema(request=ProductCreateSerializer, responses={201: ProductSerializer})
    def create(self, request, *args, **kwargs):
        data = ProductCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_create(**data.validated_data, created_by=request.user)
        product = selectors.products_with_stats().get(pk=product.pk)
        return Response(ProductSerializer(product, context={"request": request}).data, status=status.HTTP_201_CREATED)


class IsAuthorOrReadOnly(permissions.BasePermission):
    message = gettext_lazy("Only the author can change this.")

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or obj.author_id == request.user.pk


class CheckedOrderingFilter(filters.OrderingFilter):
    """An `?ordering=` naming a field the list cannot be ordered by is a 400 naming `ordering`
    (DRF's filter ignored it and answered in the default order)."""

    def get_ordering(self, request, queryset, view):
        terms = [term.strip() for term in request.query_params.get(self.ordering_param, "").split(",") if term.strip()]
        if len(self.remove_invalid_fields(queryset, terms, view, request)) != len(terms):
            raise ValidationError(
                {self.ordering_param: [gettext("Order by created_at, helpful_count or rating (- for descending).")]}
            )
        return super().get_ordering(request, queryset, view)


REVIEW_ORDERINGS = ["-created_at", "created_at", "-helpful_count", "helpful_count", "-rating", "rating"]


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("ordering", str, enum=REVIEW_ORDERINGS)]))
class ReviewViewSet(viewsets.ModelViewSet):
    """Reviews: anyone reads published ones; only the author edits or deletes their own."""

    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsAuthorOrReadOnly]
    filterset_class = ReviewFilter
    filter_backends = [*viewsets.ModelViewSet.filter_backends, CheckedOrderingFilter]
    ordering_fields = ["created_at", "helpful_count", "rating"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]
    lookup_value_regex = r"\d+"
    throttle_classes = [CandorRateThrottle]
    # Abuse limits per action (config/throttling.py); other actions are not limited.
    throttle_scopes = {"create": "review", "photos": "photo", "vote": "vote"}

    def get_queryset(self):
        return selectors.reviews_for_listing(self.request.user)

    def get_object(self):
        review = selectors.review_for_viewer(int(self.kwargs["pk"]), self.request.user)
        if review is None:
            raise Http404
        self.check_object_permissions(self.request, review)
        return review

    def _render(self, review_id: int, status_code=status.HTTP_200_OK) -> Response:
        review = selectors.review_for_viewer(review_id, self.request.user)
        return Response(ReviewSerializer(review, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewSerializer})
    def create(self, request, *args, **kwargs):
        data = ReviewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create(author=request.user, **data.validated_data)
        return self._render(review.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ReviewUpdateSerializer, responses=ReviewSerializer)
    def update(self, request, *args, **kwargs):
        review = self.get_object()
        data = ReviewUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        services.review_update(review=review, editor=request.user, **data.validated_data)
        return self._render(review.pk)

    @extend_schema(request=ReviewUpdateSerializer, responses=ReviewSerializer)
    def partial_update(self, request, *args, **kwargs):
        # Declared so the schema documents PATCH's body (it showed ReviewSerializer's read-only one).
        return super().partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.review_delete(review=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=PhotoUploadSerializer, responses={201: ReviewPhotoSerializer(many=True)})
    # At most PHOTOS_PER_REVIEW_MAX photos: the answer is all of them, a plain array (no pages).
    # No filter backends: the list filters are not this action's parameters (the schema listed them).
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filter_backends=[],
    )
    def photos(self, request, pk=None):
        """Add photos to your review; answers with all the review's photos, in order."""
        review = self.get_object()
        data = PhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photos = services.review_add_photos(review=review, user=request.user, photos=data.validated_data["photos"])
        return Response(
            ReviewPhotoSerializer(photos, many=True, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    def _public_review(self, pk) -> Review:
        # Voting, saving and commenting are open to everyone signed in, not just the author.
        return get_object_or_404(Review, pk=pk, status=Review.Status.PUBLISHED)

    @extend_schema(methods=["PUT"], request=VoteInputSerializer, responses=VoteStateSerializer)
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["put", "delete"], permission_classes=[permissions.IsAuthenticated])
    def vote(self, request, pk=None):
        """PUT: cast or change your vote, answering your vote and the counts. DELETE: withdraw
        it (204, also when there was none)."""
        # The hottest write: no review is loaded here and no serializer runs for the usual body
        # (reviews.services.vote_put/vote_delete check and count in one statement on PostgreSQL).
        try:
            if request.method == "DELETE":
                services.vote_delete(user=request.user, review_id=int(pk))
                return Response(status=status.HTTP_204_NO_CONTENT)
            state = services.vote_put(user=request.user, review_id=int(pk), helpful=vote_choice(request.data))
        except Review.DoesNotExist:
            raise Http404 from None
        return Response(
            {
                "helpful": state.helpful,
                "helpful_count": state.helpful_count,
                "not_helpful_count": state.not_helpful_count,
            }
        )

    @extend_schema(methods=["PUT"], request=None, responses=SaveStateSerializer)
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["put", "delete"], permission_classes=[permissions.IsAuthenticated])
    def save(self, request, pk=None):
        """PUT: add the review to your collection, answering the save count. DELETE: take it out
        (204, also when it was not saved)."""
        review = self._public_review(pk)
        if request.method == "DELETE":
            services.save_remove(user=request.user, review=review)
            return Response(status=status.HTTP_204_NO_CONTENT)
        services.save_add(user=request.user, review=review)
        review.refresh_from_db(fields=["save_count"])
        return Response({"saved": True, "save_count": review.save_count})

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticatedOrReadOnly],
        filter_backends=[],
    )
    def comments(self, request, pk=None):
        review = self._public_review(pk)
        if request.method == "POST":
            data = CommentInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = services.comment_create(author=request.user, review=review, body=data.validated_data["body"])
            return Response(
                CommentSerializer(comment, context={"request": request}).data, status=status.HTTP_201_CREATED
            )
        page = self.paginate_queryset(selectors.comments_for_review(review).order_by("-created_at", "-id"))
        return self.get_paginated_response(CommentSerializer(page, many=True, context={"request": request}).data)


class CommentViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = CommentSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsAuthorOrReadOnly]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Comment.objects.filter(
            status=Comment.Status.PUBLISHED, review__status=Review.Status.PUBLISHED
        ).select_related("author")

    @extend_schema(request=CommentInputSerializer, responses=CommentSerializer)
    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_update(comment=comment, user=request.user, body=data.validated_data["body"])
        return Response(CommentSerializer(comment, context={"request": request}).data)

    def destroy(self, request, *args, **kwargs):
        services.comment_delete(comment=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[OpenApiParameter("following", int, enum=[0, 1], description="1: only people you follow")])
class FeedView(ListAPIView):
    """The main feed, newest first; `?following=1` for the people you follow."""

    serializer_class = ReviewSerializer
    filter_backends: list = []

    def get_queryset(self):
        following = self.request.query_params.get("following", "0")
        if following not in {"0", "1"}:  # as documented; a typo must not read as "everyone"
            raise ValidationError({"following": [gettext("Give 1 for the people you follow, 0 for everyone.")]})
        return selectors.feed(self.request.user, following_only=following == "1")


class SavedAtCursorPagination(NewestFirstCursorPagination):
    ordering = ("-saved_at", "-id")


class MySavedView(ListAPIView):
    """The signed-in user's collection of saved reviews, most recently saved first."""

    serializer_class = ReviewSerializer
    pagination_class = SavedAtCursorPagination
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return selectors.saved_reviews(self.request.user, self.request.user)
