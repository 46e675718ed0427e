"""Log-in by username, also when it is typed in a form that is stored differently."""

import functools

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Notification, User, moderator_flag
from .names import normalise_name


class NameBackend(ModelBackend):
    """Django's ModelBackend, which finds the account by its exact username; failing that, by the
    username as sign-up stores it (accounts.names.normalise_name), so "ａｌｉｃｅ" typed with a
    fullwidth keyboard logs "alice" in. Exact first: accounts named before names were normalised
    keep logging in as they always did."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and isinstance(username, str) and normalise_name(username) != username:
            if not User._default_manager.filter(username=username).exists():
                user = super().authenticate(request, username=normalise_name(username), password=password)
        return user

    def get_user(self, user_id):
        """The signed-in member of a request, with `is_moderator` read in the same query: pages
        ask it for the header's Moderation link and every comment's actions. The brand membership
        comes in the same query too, for the header's Brand link (`is_brand_member`), and the
        header's count of unread notifications (`unread_notifications`, read by the template
        tag of that name)."""
        try:
            user = member_rows().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


@functools.cache
def member_rows() -> QuerySet[User]:
    """NameBackend.get_user's queryset, built once per process: each request runs a clone of it
    (building the two annotations cost a member's every page more than running them). A clone
    never shares results."""
    return User._default_manager.select_related("brand_membership").annotate(
        is_moderator=moderator_flag(), unread_notifications=unread_count()
    )


def unread_count() -> Coalesce:
    """How many unread notifications a user has, as an annotation of their row (one subquery on
    the `notification_unread` index)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)
