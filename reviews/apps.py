from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_moderators_group(sender, **kwargs) -> None:
    """The moderator role is a group holding the permissions to curate reviews and comments.

    Runs after every migrate, when the permissions exist; safe to run any number of times.
    """
    from django.contrib.auth.models import Group, Permission

    from accounts.models import MODERATORS_GROUP

    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label__in=["reviews", "accounts"],
        codename__in=[
            "change_review",
            "view_review",
            "change_comment",
            "view_comment",
            "view_helpfulvote",
            "change_brand",
            "view_brand",
            "view_user",
            "change_user",
        ],
    )
    group.permissions.add(*wanted)


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        post_migrate.connect(ensure_moderators_group, sender=self)
        from . import notifications, signals

        signals.connect()
        notifications.connect()
