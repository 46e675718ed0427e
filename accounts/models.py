from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .names import TOO_SIMILAR, name_key, name_problem, normalise_name, stored_key
from .notifications import words as notification_words

MODERATORS_GROUP = "moderators"


class User(AbstractUser):
    """A Candor member. Every account is a consumer; brand membership and the moderator
    group add roles on top (see `role`)."""

    class Role(models.TextChoices):
        CONSUMER = "consumer", _("Consumer")
        BRAND_MEMBER = "brand_member", _("Brand member")
        MODERATOR = "moderator", _("Moderator")

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    bio = models.TextField(_("about"), max_length=500, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    # accounts.names.name_key(username), kept by save(): a new username whose key is taken looks
    # like an existing one and is refused. Two accounts that already collided when the column was
    # added both stay; the later one's key carries "#<id>", which no name_key can produce.
    username_key = models.TextField(editable=False)
    # The interface language the member chose (settings.LANGUAGES); blank: follow the browser's
    # Accept-Language (config.locale). Generic name: config reads it without importing accounts.
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["username_key"], name="user_username_key_unique")]
        # The rerank job's question "whose vote weight may have changed with no row changing"
        # (7-day birthdays, suspensions, deactivations) answered from three small indexes that
        # PostgreSQL ORs together, instead of a scan of every account on each five-minute run.
        indexes = [
            models.Index(fields=["date_joined"], name="user_joined"),
            models.Index(fields=["suspended_until"], condition=Q(suspended_until__isnull=False), name="user_suspended"),
            models.Index(fields=["id"], condition=Q(is_active=False), name="user_inactive"),
        ]

    def __str__(self) -> str:
        return self.username

    def clean(self) -> None:
        super().clean()
        self.username = normalise_name(self.username)
        if User.objects.filter(username_key=name_key(self.username)).exclude(pk=self.pk).exists():
            raise ValidationError({"username": [TOO_SIMILAR]})
        problem = name_problem(self.username)
        if problem:
            raise ValidationError({"username": [problem]})

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "username" in update_fields:
            self.username_key = stored_key(self.username_key, self.username)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @cached_property
    def is_moderator(self) -> bool:
        # The signed-in member's is read with their row (moderator_sql, in accounts.backends and
        # accounts.authentication), so a request never asks; any other instance asks once.
        if self.pk is None:
            return False
        connection = connections[self._state.db or router.db_for_read(User)]
        quote = connection.ops.quote_name
        sql = f"SELECT {moderator_sql(connection, 'u')} FROM {quote(User._meta.db_table)} u WHERE u.{quote(User._meta.pk.column)} = %s"  # noqa: S608 # nosec B608 # model names only
        with connection.cursor() as cursor:
            cursor.execute(sql, [MODERATORS_GROUP, self.pk])
            row = cursor.fetchone()
        return bool(row and row[0])

    @property
    def is_brand_member(self) -> bool:
        # The membership row lives in the reviews app; reach it by its reverse accessor so this
        # app never imports reviews.
        return hasattr(self, "brand_membership")

    @property
    def role(self) -> str:
        if self.is_moderator:
            return self.Role.MODERATOR
        if self.is_brand_member:
            return self.Role.BRAND_MEMBER
        return self.Role.CONSUMER

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()


def moderator_sql(connection, user: str) -> str:
    """The moderator rule, stated once: a superuser, or in the MODERATORS_GROUP group. Written as
    an SQL boolean over the users-table row aliased `user`, with one parameter (MODERATORS_GROUP),
    so the signed-in member's statements read it with their row (accounts.backends.member_row,
    accounts.authentication's token user) and User.is_moderator asks it for any other instance:
    never a copy of the group membership to keep in sync."""
    quote = connection.ops.quote_name
    meta = User._meta
    link, group = User.groups.through._meta, User.groups.field.related_model._meta
    return (
        f"({user}.{quote(meta.get_field('is_superuser').column)} OR EXISTS (SELECT 1 FROM {quote(link.db_table)} ug "  # noqa: S608 # nosec B608 # model names only
        f"JOIN {quote(group.db_table)} g ON g.{quote(group.pk.column)} = ug.{quote(link.get_field('group').column)} "
        f"WHERE ug.{quote(link.get_field('user').column)} = {user}.{quote(meta.pk.column)} "
        f"AND g.{quote(group.get_field('name').column)} = %s))"
    )


class Follow(models.Model):
    follower = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="following_links", verbose_name=_("follower")
    )
    followee = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="follower_links", verbose_name=_("followed")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["followee", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.follower} -> {self.followee}"


class Notification(models.Model):
    """An in-app notification. Any app may create one through accounts.services.notify()."""

    class Kind(models.TextChoices):
        HELPFUL_MILESTONE = "helpful_milestone", _("Helpful-vote milestone")
        NEW_FOLLOWER = "new_follower", _("New follower")
        COMMENT = "comment", _("Comment on your review")
        LEVEL_UP = "level_up", _("Level up")
        PROMOTION = "promotion", _("Promoted to invited tester")
        DEMOTION = "demotion", _("Invited-tester status ended")
        INVITATION = "invitation", _("Tester invitation")
        MODERATION = "moderation", _("Moderation decision")
        OTHER = "other", _("Other")

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # The figures behind it (e.g. a promotion's reputation and rank), for the API and the page.
    data = models.JSONField(_("figures"), default=dict, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    # What the reader sees: worded now, in the active language, from kind and data (stored title
    # and body when there is no text for it; accounts.notifications).
    @property
    def shown_title(self) -> str:
        return notification_words(self.kind, self.data, title=self.title, body=self.body)[0]

    @property
    def shown_body(self) -> str:
        return notification_words(self.kind, self.data, title=self.title, body=self.body)[1]
