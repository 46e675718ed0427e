from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

MODERATORS_GROUP = "moderators"


class User(AbstractUser):
    """A Candor member. Every account is a consumer; brand membership and the moderator
    group add roles on top (see `role`)."""

    class Role(models.TextChoices):
        CONSUMER = "consumer", "Consumer"
        BRAND_MEMBER = "brand_member", "Brand member"
        MODERATOR = "moderator", "Moderator"

    display_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(max_length=500, blank=True)
    avatar = models.ImageField(upload_to="avatars/%Y/%m/", blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_moderator(self) -> bool:
        return self.is_superuser or self.groups.filter(name=MODERATORS_GROUP).exists()

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


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_links")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["followee", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.follower} -> {self.followee}"
