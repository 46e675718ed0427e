"""The words of the reviews app's notifications, worded when read (accounts.notifications)."""

from django.utils.translation import gettext, ngettext

from accounts.notifications import register

from .names import BilingualName, pick


def names_data(thing: BilingualName) -> dict:
    """A category's, brand's or product's names, as a notification's data keeps them."""
    return {"name": thing.name, "name_en": thing.name_en, "name_zh": thing.name_zh}


def name_shown(names: dict) -> str:
    """The name a reader of the active language sees, from names_data()."""
    return pick(names["name"], name_en=names.get("name_en", ""), name_zh=names.get("name_zh", ""))


def _helpful_milestone(data: dict) -> tuple[str, str]:
    count = int(data["milestone"])
    title = ngettext(
        "%(count)s person found your review helpful", "%(count)s people found your review helpful", count
    ) % {"count": count}
    return title, gettext("“%(title)s”") % {"title": data["review_title"]}


def _comment(data: dict) -> tuple[str, None]:
    # The body is the comment itself, as its author wrote it.
    return gettext("%(name)s commented on your review") % {"name": data["by_name"]}, None


def connect() -> None:
    register(
        "helpful_milestone",
        _helpful_milestone,
        example={"review": 1, "milestone": 10, "review_title": "Light and fast"},
    )
    register("comment", _comment, example={"review": 1, "comment": 2, "by": "mei", "by_name": "Mei"})
