"""The moderation API. Thin: validate an input serializer, call one service or selector,
render an output serializer. Everything under /moderation/ is for moderators only; reports,
announcements, editor's picks and "decisions about me" are for members and readers."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from config.pagination import NewestFirstCursorPagination
from ranking.models import FraudFlag
from reviews.models import Category, Comment, Review

from .. import selectors, services
from ..models import AuditEntry, QueueItem, Report
from . import serializers as s


class IsModerator(permissions.BasePermission):
    message = gettext_lazy("Only moderators can do this.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_moderator)


class ModeratorOnly:
    permission_classes = [permissions.IsAuthenticated, IsModerator]


class QueueCursorPagination(NewestFirstCursorPagination):
    # priority = severity * 100000 + trust-weighted reports in hundredths (see moderation.models);
    # ties by oldest item.
    ordering = ("-priority", "id")


class PickCursorPagination(NewestFirstCursorPagination):
    ordering = ("pick_position", "id")


def _bounded_pk(pk: int) -> int:
    if not 1 <= pk <= s.MAX_ID:
        raise Http404
    return pk


# --- members: reports, decisions about me -------------------------------------------------------


class ReportListCreateView(generics.ListAPIView):
    """Your reports (GET), or report a review or a comment (POST)."""

    serializer_class = s.ReportSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Report.objects.none()  # for the schema; get_queryset scopes it to the reporter

    def get_queryset(self):
        return selectors.reports_by(self.request.user)

    @extend_schema(request=s.ReportInputSerializer, responses={201: s.ReportSerializer})
    def post(self, request):
        data = s.ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(reporter=request.user, **data.validated_data)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class MyDecisionsView(generics.ListAPIView):
    """Moderation decisions about your content and account, with the reasons."""

    serializer_class = s.DecisionSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = AuditEntry.objects.none()  # for the schema; get_queryset scopes it to the member

    def get_queryset(self):
        return selectors.decisions_about(self.request.user)


# --- readers: announcements, editor's picks -----------------------------------------------------


class AnnouncementListView(generics.ListAPIView):
    """Pinned announcements running now (shown above Discover)."""

    serializer_class = s.AnnouncementSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return selectors.live_announcements()


class EditorsPicksView(generics.ListAPIView):
    """A category's editor's picks, in the editors' order."""

    serializer_class = s.EditorsPickReviewSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = PickCursorPagination
    queryset = Review.objects.none()  # for the schema; get_queryset needs the category

    def get_queryset(self):
        category = get_object_or_404(Category, slug=self.kwargs["slug"])
        return selectors.editors_picks(category, self.request.user)


# --- moderators: the queue ----------------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("status", str, enum=QueueItem.Status.values, default="open")])
class QueueListView(ModeratorOnly, generics.ListAPIView):
    """Reported reviews and comments: most severe first, then the most reporters."""

    serializer_class = s.QueueItemSerializer
    pagination_class = QueueCursorPagination

    def get_queryset(self):
        wanted = self.request.query_params.get("status", QueueItem.Status.OPEN)
        if wanted not in QueueItem.Status.values:
            choices = ", ".join(QueueItem.Status.values)
            raise ValidationError({"status": [_("Choose one of: %(choices)s.") % {"choices": choices}]})
        return selectors.queue(status=wanted)


class QueueItemView(ModeratorOnly, APIView):
    @extend_schema(responses=s.QueueItemSerializer)
    def get(self, request, pk: int):
        item = selectors.queue_item(_bounded_pk(pk))
        if item is None:
            raise Http404
        return Response(s.QueueItemSerializer(item).data)


class QueueItemDismissView(ModeratorOnly, APIView):
    @extend_schema(request=s.DismissInputSerializer, responses=s.QueueItemSerializer)
    def post(self, request, pk: int):
        item = get_object_or_404(QueueItem, pk=_bounded_pk(pk))
        data = s.DismissInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.queue_item_dismiss(item=item, moderator=request.user, **data.validated_data)
        return Response(s.QueueItemSerializer(selectors.queue_item(item.pk)).data)


# --- moderators: decisions on content and members -----------------------------------------------


class ReviewActionView(ModeratorOnly, APIView):
    """Hide, restore or remove a review; the author is told the reason."""

    @extend_schema(request=s.ContentActionInputSerializer, responses=s.ReviewStateSerializer)
    def post(self, request, pk: int):
        review = get_object_or_404(Review, pk=_bounded_pk(pk))
        data = s.ContentActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_moderate(review=review, moderator=request.user, **data.validated_data)
        return Response(s.ReviewStateSerializer(Review.objects.get(pk=review.pk)).data)


class CommentActionView(ModeratorOnly, APIView):
    """Hide, restore or remove a comment; the author is told the reason."""

    @extend_schema(request=s.ContentActionInputSerializer, responses=s.CommentStateSerializer)
    def post(self, request, pk: int):
        comment = get_object_or_404(Comment, pk=_bounded_pk(pk))
        data = s.ContentActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_moderate(comment=comment, moderator=request.user, **data.validated_data)
        return Response(s.CommentStateSerializer(comment).data)


class UserActionView(ModeratorOnly, APIView):
    """Warn, suspend (for `days`), lift a suspension, ban or unban a member."""

    @extend_schema(request=s.UserActionInputSerializer, responses=s.MemberStateSerializer)
    def post(self, request, username: str):
        member = get_object_or_404(User, username=username)
        data = s.UserActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.user_moderate(user=member, moderator=request.user, **data.validated_data)
        return Response(s.MemberStateSerializer(member).data)


class FeatureView(ModeratorOnly, APIView):
    """Feature a review in Discover until a date (PUT), or end the feature (DELETE)."""

    @extend_schema(request=s.FeatureInputSerializer, responses=s.FeatureStateSerializer)
    def put(self, request, pk: int):
        review = get_object_or_404(Review.objects.select_related("author"), pk=_bounded_pk(pk))
        data = s.FeatureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        until = values.get("until") or timezone.now() + timedelta(days=values["days"])
        score = services.review_feature(review=review, moderator=request.user, until=until, reason=values["reason"])
        return Response({"review": review.pk, "featured_until": score.featured_until})

    @extend_schema(
        request=s.UnfeatureInputSerializer,
        responses={204: None},
        description="End the feature. An optional `reason` in the body goes to the audit log.",
    )
    def delete(self, request, pk: int):
        review = get_object_or_404(Review.objects.select_related("author"), pk=_bounded_pk(pk))
        data = s.UnfeatureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_unfeature(review=review, moderator=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)  # as documented: no body


# --- moderators: announcements and picks ----------------------------------------------------------


class AnnouncementModListView(ModeratorOnly, generics.ListAPIView):
    """Every announcement, pinned or not (GET); post one (POST)."""

    serializer_class = s.AnnouncementSerializer

    def get_queryset(self):
        return selectors.announcements()

    @extend_schema(request=s.AnnouncementInputSerializer, responses={201: s.AnnouncementSerializer})
    def post(self, request):
        data = s.AnnouncementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        announcement = services.announcement_create(moderator=request.user, **data.validated_data)
        return Response(s.AnnouncementSerializer(announcement).data, status=status.HTTP_201_CREATED)


class AnnouncementModDetailView(ModeratorOnly, APIView):
    @extend_schema(responses=s.AnnouncementSerializer)
    def get(self, request, pk: int):
        return Response(s.AnnouncementSerializer(get_object_or_404(selectors.announcements(), pk=_bounded_pk(pk))).data)

    @extend_schema(request=s.AnnouncementInputSerializer, responses=s.AnnouncementSerializer)
    def patch(self, request, pk: int):
        announcement = get_object_or_404(selectors.announcements(), pk=_bounded_pk(pk))
        data = s.AnnouncementInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        announcement = services.announcement_update(
            announcement=announcement, moderator=request.user, **data.validated_data
        )
        return Response(s.AnnouncementSerializer(announcement).data)


class EditorsPicksEditView(ModeratorOnly, APIView):
    """A category's picks whatever their reviews' status (GET); replace them, in order (PUT)."""

    @extend_schema(responses=s.EditorsPickRowSerializer(many=True))
    def get(self, request, slug: str):
        category = get_object_or_404(Category, slug=slug)
        return Response(s.EditorsPickRowSerializer(selectors.editors_pick_rows(category), many=True).data)

    @extend_schema(request=s.EditorsPicksInputSerializer, responses=s.EditorsPickRowSerializer(many=True))
    def put(self, request, slug: str):
        category = get_object_or_404(Category, slug=slug)
        data = s.EditorsPicksInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.editors_picks_set(category=category, moderator=request.user, **data.validated_data)
        return Response(s.EditorsPickRowSerializer(selectors.editors_pick_rows(category), many=True).data)


# --- moderators: vote fraud -------------------------------------------------------------------------


@extend_schema(parameters=[OpenApiParameter("status", str, enum=[*FraudFlag.Status.values, "all"], default="open")])
class FraudFlagListView(ModeratorOnly, generics.ListAPIView):
    """The ranking job's serial-voting and vote-ring flags with their evidence."""

    serializer_class = s.FraudFlagSerializer

    def get_queryset(self):
        wanted = self.request.query_params.get("status", FraudFlag.Status.OPEN)
        if wanted not in [*FraudFlag.Status.values, "all"]:
            choices = ", ".join([*FraudFlag.Status.values, "all"])
            raise ValidationError({"status": [_("Choose one of: %(choices)s.") % {"choices": choices}]})
        return selectors.fraud_flags(status=None if wanted == "all" else wanted)


class FraudFlagView(ModeratorOnly, APIView):
    """One flag with its evidence and the votes behind it (who voted on whom, when)."""

    @extend_schema(responses=s.FraudFlagDetailSerializer)
    def get(self, request, pk: int):
        flag = selectors.fraud_flag(_bounded_pk(pk))
        if flag is None:
            raise Http404
        votes = selectors.fraud_flag_votes(flag)
        return Response(s.FraudFlagDetailSerializer(flag, context={"votes": votes}).data)


class FraudFlagDecisionView(ModeratorOnly, APIView):
    """Confirm (the flag's votes stop counting at the next rerank), dismiss, or reopen."""

    @extend_schema(request=s.FraudDecisionInputSerializer, responses=s.FraudFlagSerializer)
    def post(self, request, pk: int):
        flag = get_object_or_404(FraudFlag, pk=_bounded_pk(pk))
        data = s.FraudDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.fraud_flag_decide(flag=flag, moderator=request.user, **data.validated_data)
        return Response(s.FraudFlagSerializer(selectors.fraud_flag(flag.pk)).data)


# --- moderators: the audit log (read only) ----------------------------------------------------------


@extend_schema(
    parameters=[
        OpenApiParameter("actor", str),
        OpenApiParameter("action", str, enum=AuditEntry.Action.values),
        OpenApiParameter("target_type", str),
        OpenApiParameter("target_id", str),
        OpenApiParameter("member", str, description="Whose content or account (username)."),
    ]
)
class AuditListView(ModeratorOnly, generics.ListAPIView):
    """Every moderator and staff action, newest first. Read only: there is no way to change or
    delete an entry."""

    serializer_class = s.AuditEntrySerializer

    def get_queryset(self):
        query = s.AuditQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return selectors.audit_log(
            actor=params.get("actor") or None,
            action=params.get("action") or None,
            target_type=params.get("target_type") or None,
            target_id=params.get("target_id") or None,
            member=params.get("member") or None,
        )


class AuditEntryView(ModeratorOnly, APIView):
    @extend_schema(responses=s.AuditEntrySerializer)
    def get(self, request, pk: int):
        return Response(s.AuditEntrySerializer(get_object_or_404(AuditEntry, pk=_bounded_pk(pk))).data)
