from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_moderator_permissions(sender, **kwargs) -> None:
    """Moderators keep the synonym list in the admin. Safe to re-run."""
    from django.contrib.auth.models import Group, Permission

    from accounts.models import MODERATORS_GROUP

    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="search",
            codename__in=["view_synonym", "add_synonym", "change_synonym", "delete_synonym"],
        )
    )


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
        post_migrate.connect(grant_moderator_permissions, sender=self)
