"""For You API: the personal feed, interests, "show less", seen notes, reset, and related notes
for a review. Thin: validate, call one service or selector, serialize. Only the signed-in
person's own data is ever read or written here (nothing is shown to brands)."""

from dataclasses import asdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from foryou import selectors, services
from foryou.models import ShowLess, TagInterest
from reviews.api.serializers import ReviewSerializer
from reviews.models import Category, Product
from reviews.selectors import review_for_viewer

from .serializers import (
    ForYouPageSerializer,
    ForYouQuerySerializer,
    InterestsSerializer,
    ResetSerializer,
    SeenResultSerializer,
    SeenSerializer,
    ShowLessSerializer,
)


def _service_error(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class ForYouView(APIView):
    """Your For You feed: reviews picked for you from your interests, follows, saves, helpful
    votes, comments and what people with your taste found helpful, with the review's quality as
    the prior; at most two cards of one author or product in any ten; a bounded share of new
    reviews (`first_chance`). Each card says why it is there (`reason`). Cursor-paged: follow
    `next`; a cursor this feed did not write is a 400 naming `cursor`. Loading the next page
    counts the cards before it as seen."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[ForYouQuerySerializer], responses=ForYouPageSerializer)
    def get(self, request):
        query = ForYouQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            page = services.feed_page(
                user=request.user,
                cursor=query.validated_data.get("cursor"),
                page_size=query.validated_data["page_size"],
            )
        except services.BadCursor:
            raise ValidationError(
                {"cursor": [gettext("This cursor is not valid for this list; start again from the first page.")]}
            ) from None
        reviews = ReviewSerializer(page.reviews, many=True, context={"request": request}).data
        results = [
            {
                "review": review,
                "reason": asdict(page.reasons[item.review_id]),
                "first_chance": item.review_id in page.first_chance_ids,
            }
            for item, review in zip(page.items, reviews, strict=True)
        ]
        next_url = None
        if page.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response({"next": next_url, "results": results})


class InterestsView(APIView):
    """Your For You interests: categories (the same as your profile's) and #tags. PUT replaces
    both; the feed follows them from the next page."""

    permission_classes = [permissions.IsAuthenticated]

    def _current(self, user: User) -> dict:
        return {
            "categories": list(user.interest_categories.values_list("slug", flat=True)),
            "tags": list(
                TagInterest.objects.filter(user=user).order_by("tag__name").values_list("tag__name", flat=True)
            ),
        }

    @extend_schema(responses=InterestsSerializer)
    def get(self, request):
        return Response(self._current(request.user))

    @extend_schema(request=InterestsSerializer, responses=InterestsSerializer)
    def put(self, request):
        data = InterestsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.interests_set(user=request.user, **data.validated_data)
        except DjangoValidationError as error:
            raise _service_error(error) from None
        return Response(self._current(request.user))


SHOW_LESS_LOOKUP = {
    ShowLess.Kind.AUTHOR: (User.objects.filter(is_active=True), "username"),
    ShowLess.Kind.PRODUCT: (Product.objects.all(), "slug"),
    ShowLess.Kind.CATEGORY: (Category.objects.all(), "slug"),
}
NO_TARGET = {
    ShowLess.Kind.AUTHOR: gettext_lazy("No author '%(target)s'."),
    ShowLess.Kind.PRODUCT: gettext_lazy("No product '%(target)s'."),
    ShowLess.Kind.CATEGORY: gettext_lazy("No category '%(target)s'."),
}


def _target_id(kind: str, target: str) -> int:
    queryset, field = SHOW_LESS_LOOKUP[kind]
    found = queryset.filter(**{field: target}).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationError({"target": [NO_TARGET[kind] % {"target": target}]})
    return found


class ShowLessView(APIView):
    """ "Show less like this": leave an author, product or category out of your feed at once.
    GET lists your choices; POST adds one; DELETE (same body) takes one back."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ShowLessSerializer(many=True))
    def get(self, request):
        rows = list(ShowLess.objects.filter(user=request.user).order_by("-created_at").values_list("kind", "target_id"))
        names = {}
        for kind, (queryset, field) in SHOW_LESS_LOOKUP.items():
            ids = [t for k, t in rows if k == kind]
            names[kind] = dict(queryset.model.objects.filter(pk__in=ids).values_list("pk", field))
        return Response([{"kind": k, "target": names[k].get(t, str(t))} for k, t in rows])

    @extend_schema(request=ShowLessSerializer, responses={201: ShowLessSerializer})
    def post(self, request):
        data = ShowLessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind, target = data.validated_data["kind"], data.validated_data["target"]
        try:
            services.show_less_add(user=request.user, kind=kind, target_id=_target_id(kind, target))
        except DjangoValidationError as error:
            raise _service_error(error) from None
        return Response({"kind": kind, "target": target}, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShowLessSerializer, responses={204: None})
    def delete(self, request):
        data = ShowLessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind, target = data.validated_data["kind"], data.validated_data["target"]
        services.show_less_remove(user=request.user, kind=kind, target_id=_target_id(kind, target))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SeenView(APIView):
    """Record cards you scrolled past (up to 100 ids a call): they do not come back for a few days."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=SeenSerializer, responses=SeenResultSerializer)
    def post(self, request):
        data = SeenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.seen_mark(user=request.user, review_ids=data.validated_data["reviews"])
        return Response({"marked": marked})


class ResetView(APIView):
    """Reset your For You signals: past saves, votes and comments stop counting, "show less" and
    seen notes are forgotten; with `interests`, your chosen categories and #tags too."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ResetSerializer, responses={204: None})
    def post(self, request):
        data = ResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.signals_reset(user=request.user, interests=data.validated_data["interests"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class RelatedView(APIView):
    """More like this: reviews people who found this one helpful (or saved it) also found helpful,
    and, for a note nobody has engaged with yet, the same product's, those sharing a #tag or with
    a similar title in its category. Up to six, best first."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)], responses=ReviewSerializer(many=True)
    )
    def get(self, request, pk: int):
        review = review_for_viewer(pk, request.user)
        if review is None:
            raise NotFound(gettext("No such review."))
        related = selectors.related_reviews(review, request.user)
        return Response(ReviewSerializer(related, many=True, context={"request": request}).data)
