from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Notification, User
from config.pagination import NewestFirstCursorPagination
from config.throttling import CandorRateThrottle

from .serializers import (
    FollowStateSerializer,
    MeSerializer,
    NotificationSerializer,
    NotificationsReadInputSerializer,
    ProfileUpdateSerializer,
    PublicProfileSerializer,
    RegisterInputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
    UnreadCountSerializer,
    UserSummarySerializer,
)


class RegisterView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [CandorRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=RegisterInputSerializer, responses={201: TokenOutputSerializer})
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "username": user.username}, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [CandorRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenInputSerializer, responses={200: TokenOutputSerializer})
    def post(self, request):
        data = TokenInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        user = data.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "username": user.username})


def _profile(username: str, viewer) -> User:
    return get_object_or_404(selectors.users_with_public_counts(viewer), username=username)


class ProfileView(APIView):
    @extend_schema(responses=PublicProfileSerializer)
    def get(self, request, username: str):
        return Response(PublicProfileSerializer(_profile(username, request.user), context={"request": request}).data)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(_profile(request.user.username, request.user), context={"request": request}).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=MeSerializer)
    def patch(self, request):
        data = ProfileUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.profile_update(user=request.user, **data.validated_data)
        return Response(MeSerializer(_profile(request.user.username, request.user), context={"request": request}).data)


class FollowView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=FollowStateSerializer)
    def put(self, request, username: str):
        followee = get_object_or_404(User, username=username, is_active=True)
        services.follow_create(follower=request.user, followee=followee)
        return Response({"following": True, "followers_count": followee.follower_links.count()})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, username: str):
        """Stop following (204, also when you were not following)."""
        followee = get_object_or_404(User, username=username, is_active=True)
        services.follow_delete(follower=request.user, followee=followee)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowedAtCursorPagination(NewestFirstCursorPagination):
    ordering = ("-followed_at", "-id")


class FollowersView(generics.ListAPIView):
    """People who follow this user, most recent first."""

    serializer_class = UserSummarySerializer
    pagination_class = FollowedAtCursorPagination
    filter_backends: list = []

    def get_queryset(self):
        return selectors.followers_of(get_object_or_404(User, username=self.kwargs["username"], is_active=True))


class FollowingView(FollowersView):
    """People this user follows, most recent first."""

    def get_queryset(self):
        return selectors.following_of(get_object_or_404(User, username=self.kwargs["username"], is_active=True))


class NotificationListView(generics.ListAPIView):
    """Your in-app notifications, newest first. `unread_count` is in /me/notifications/unread/."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


class NotificationUnreadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=UnreadCountSerializer)
    def get(self, request):
        return Response({"unread_count": selectors.unread_notification_count(request.user)})


class NotificationReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=NotificationsReadInputSerializer, responses=UnreadCountSerializer)
    def post(self, request):
        data = NotificationsReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.notifications_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"unread_count": selectors.unread_notification_count(request.user)})
