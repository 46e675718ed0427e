"""The words of the moderation app's notifications, worded when read (accounts.notifications).

All are of kind MODERATION, told apart by data["text"]. A moderator's reason is their own words
and is shown as they wrote it; the reason of an undone decision is ours (UNDO_REASONS), worded
in the reader's language.
"""

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.notifications import register
from reviews.notifications import name_shown

# What the author of moderated content is told, by (what, new status): the headline and the body.
CONTENT_NOTICES = {
    ("review", "hidden"): gettext_lazy("Your review was hidden by a moderator"),
    ("review", "removed"): gettext_lazy("Your review was removed by a moderator"),
    ("review", "published"): gettext_lazy("Your review is visible again"),
    ("comment", "hidden"): gettext_lazy("Your comment was hidden by a moderator"),
    ("comment", "removed"): gettext_lazy("Your comment was removed by a moderator"),
    ("comment", "published"): gettext_lazy("Your comment is visible again"),
}
CONTENT_BODIES = {
    "hidden": gettext_lazy("“%(title)s” is no longer shown to others; you can still see it. Reason: %(reason)s"),
    "removed": gettext_lazy("“%(title)s” was removed. Reason: %(reason)s"),
    "published": gettext_lazy("A moderator restored “%(title)s”. %(reason)s"),
}
# The reason given when a moderator undoes their own hide or removal, by what was undone.
UNDO_REASONS = {
    "hide": gettext_lazy("Undid the hide (a moderator's mistake)."),
    "remove": gettext_lazy("Undid the removal (a moderator's mistake)."),
}


def _content_decision(data: dict) -> tuple[str, str]:
    status = data["status"]
    reason = UNDO_REASONS[data["undo"]] if data.get("undo") else data["reason"]
    return (
        str(CONTENT_NOTICES[data["what"], status]),
        str(CONTENT_BODIES[status]) % {"title": data["title"], "reason": reason},
    )


def _account_warned(data: dict) -> tuple[str, str]:
    return _("A warning from the moderators"), data["reason"]


def _account_suspended(data: dict) -> tuple[str, str]:
    days = int(data["days"])
    title = ngettext(
        "Your account is suspended for %(days)s day", "Your account is suspended for %(days)s days", days
    ) % {"days": days}
    body = _("Until {until} UTC you cannot post, comment or vote. Reason: {reason}").format(
        until=f"{datetime.fromisoformat(data['until']):%Y-%m-%d %H:%M}", reason=data["reason"]
    )
    return title, body


def _account_unsuspended(data: dict) -> tuple[str, str]:
    return _("Your suspension has been lifted"), data["reason"]


def _account_banned(data: dict) -> tuple[str, str]:
    return _("Your account has been banned"), data["reason"]


def _account_unbanned(data: dict) -> tuple[str, str]:
    return _("Your account is active again"), data["reason"]


def _review_featured(data: dict) -> tuple[str, str]:
    until = datetime.fromisoformat(data["featured_until"])
    return (
        _("Your review is featured in Discover"),
        _("“%(title)s” is featured until %(date)s.") % {"title": data["review_title"], "date": f"{until:%Y-%m-%d}"},
    )


def _editors_pick(data: dict) -> tuple[str, str]:
    return (
        _("Your review is an editor's pick in %(category)s") % {"category": name_shown(data["category_names"])},
        _("“%(title)s” was chosen by Candor's editors.") % {"title": data["review_title"]},
    )


# The data["text"] of a decision on a member's account, by the audit action's verb (warn, ...).
ACCOUNT_TEXTS = {
    "warn": _account_warned,
    "suspend": _account_suspended,
    "unsuspend": _account_unsuspended,
    "ban": _account_banned,
    "unban": _account_unbanned,
}


def account_text(verb: str) -> str:
    return f"account_{verb}"


def connect() -> None:
    moderation = "moderation"
    register(
        moderation,
        _content_decision,
        name="content_decision",
        example={"review": True, "what": "review", "status": "hidden", "title": "Light and fast", "reason": "spam"},
    )
    for verb, render in ACCOUNT_TEXTS.items():
        register(
            moderation,
            render,
            name=account_text(verb),
            example={"action": verb, "reason": "spam", "days": 3, "until": "2026-12-20T10:00:00+00:00"},
        )
    register(
        moderation,
        _review_featured,
        name="review_featured",
        example={"review": 1, "review_title": "Light and fast", "featured_until": "2026-12-20T10:00:00+00:00"},
    )
    register(
        moderation,
        _editors_pick,
        name="editors_pick",
        example={
            "review": 1,
            "review_title": "Light and fast",
            "category": "skincare",
            "category_names": {"name": "Skincare", "name_en": "", "name_zh": "护肤"},
            "editors_pick": True,
        },
    )
