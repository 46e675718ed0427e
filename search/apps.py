import sys

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core.management.base import OutputWrapper
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


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


def index_missing(
    sender, apps=global_apps, verbosity: int = 1, using: str = DEFAULT_DB_ALIAS, stdout=None, **kwargs
) -> None:
    """After every migrate, index the rows that have no document, so the first migrate of an
    existing database (or one whose rows were loaded without signals) leaves the index complete:
    no manual `search_reindex`. On a complete index this is one anti-join per kind."""
    try:
        state = apps.get_model("search", "SearchDocument")
    except LookupError:  # search migrated to zero
        return
    if using != DEFAULT_DB_ALIAS or "quality" not in {f.name for f in state._meta.fields}:
        return  # the code's index is not there yet (a migrate to an earlier state)
    from . import services

    out = stdout or OutputWrapper(sys.stdout)

    def progress(kind: str, count: int) -> None:
        if verbosity and count % (services.BATCH * 10) == 0:
            out.write(f"  search: indexed {count} {kind} documents")
            out.flush()

    counts = services.index_missing(progress=progress)
    if verbosity and any(counts.values()):
        done = ", ".join(f"{kind}: {count}" for kind, count in counts.items() if count)
        out.write(f"  search: indexed the rows that had no document ({done})")


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
        post_migrate.connect(grant_moderator_permissions, sender=self)
        post_migrate.connect(index_missing, sender=self, dispatch_uid="search-index-missing")
