"""Staff changes made in the Django admin land in the audit log too.

The admin writes a LogEntry for each object it adds, changes or deletes; each one is copied
here. (A bulk delete of several objects from an admin list is logged by Django with one
bulk_create, which sends no signal; see the module docstring of moderation.admin.)
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from config import pagecache
from reviews import cards, sitecache

from .models import Announcement, AuditEntry
from .selectors import PINNED_ANNOUNCEMENTS

ADMIN_ACTIONS = {
    ADDITION: AuditEntry.Action.ADMIN_ADD,
    CHANGE: AuditEntry.Action.ADMIN_CHANGE,
    DELETION: AuditEntry.Action.ADMIN_DELETE,
}


@receiver(post_save, sender=LogEntry, dispatch_uid="moderation-admin-log-entry")
def mirror_admin_log_entry(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created or instance.action_flag not in ADMIN_ACTIONS:
        return
    content_type = instance.content_type
    AuditEntry.objects.create(
        actor_id=instance.user_id,
        actor_username=instance.user.get_username(),
        action=ADMIN_ACTIONS[instance.action_flag],
        target_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        target_id=str(instance.object_id or "")[:64],
        reason="Django admin",
        before={},
        after={"object": instance.object_repr, "change": instance.get_change_message()},
        created_at=instance.action_time,
    )


# The pinned announcements Discover shows are kept in the Django cache
# (selectors.pinned_announcements_now): forgotten when one is saved or deleted, and when the
# services change one (a queryset update, which they audit: below).
_forget_pinned = sitecache.forgetting(PINNED_ANNOUNCEMENTS)
post_save.connect(_forget_pinned, sender=Announcement, dispatch_uid="moderation-announcements-saved", weak=False)
post_delete.connect(_forget_pinned, sender=Announcement, dispatch_uid="moderation-announcements-deleted", weak=False)


@receiver(post_save, sender=AuditEntry, dispatch_uid="pagecache-audit")
def audit_entry_invalidates_caches(sender, instance: AuditEntry, created: bool, **kwargs) -> None:
    """Every moderation action and admin change writes an AuditEntry: what it hid, removed,
    restored, featured or banned may show on cached pages (config/pagecache.py) and on cards
    without changing a card's key (reviews/cards.py)."""
    if created:
        pagecache.invalidate_on_commit()
        cards.invalidate_now_and_on_commit()
        if instance.target_type == "announcement":
            sitecache.forget(PINNED_ANNOUNCEMENTS)
