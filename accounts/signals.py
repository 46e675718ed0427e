"""A member's public name and avatar show on cached pages (config/pagecache.py): changing them,
or deleting the account, starts a new page-cache generation."""

from django.db.models.signals import post_delete, post_save

from config import pagecache

from .models import User

# Member fields shown on cached pages (cards, review rows); a save of only other fields (the
# last_login update at each log-in, a password change) leaves the pages as they are.
PUBLIC_FIELDS = {"username", "display_name", "avatar", "is_active"}


def user_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    if created:
        return  # a new member has nothing on any page yet
    if update_fields is not None and not (set(update_fields) & PUBLIC_FIELDS):
        return
    pagecache.invalidate_on_commit()


def connect() -> None:
    post_save.connect(user_saved, sender=User, dispatch_uid="pagecache-user-saved")
    post_delete.connect(pagecache.invalidate_on_commit, sender=User, dispatch_uid="pagecache-user-deleted")
