from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_moderator_permissions(sender, **kwargs) -> None:
    """Let the moderators group see the queue, reports and audit log in the admin, and manage
    announcements and picks there. Audit entries are view-only for everyone. Safe to re-run."""
    from django.contrib.auth.models import Group, Permission

    from accounts.models import MODERATORS_GROUP

    group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    wanted = Permission.objects.filter(content_type__app_label="moderation", codename__startswith="view_") | (
        Permission.objects.filter(
            content_type__app_label="moderation",
            codename__in=["add_announcement", "change_announcement", "add_editorspick", "change_editorspick"],
        )
    )
    group.permissions.add(
        *wanted, *Permission.objects.filter(content_type__app_label="ranking", codename="view_fraudflag")
    )


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from . import notifications, signals  # noqa: F401 - connects the receivers

        notifications.connect()

        post_migrate.connect(grant_moderator_permissions, sender=self)
