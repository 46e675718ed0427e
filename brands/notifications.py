"""The words of the brands app's notifications, worded when read (accounts.notifications).

Kinds OTHER (brand membership), MODERATION (verification) and INVITATION (tester campaigns) hold
several texts each, told apart by data["text"]. Brand and product names are kept in both languages
(reviews.notifications.names_data), dates as ISO strings written in the reader's language.
"""

from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from accounts.notifications import register
from reviews.notifications import name_shown

from . import policy


def short_date(iso: str) -> str:
    """A day as the active language writes it briefly (Dec 7, 12月7日)."""
    return formats.date_format(datetime.fromisoformat(iso), _("M j"))


def _brand(data: dict) -> str:
    return name_shown(data["brand_names"])


def _product(data: dict) -> str:
    return name_shown(data["product_names"])


def _member_invited(data: dict) -> tuple[str, str]:
    return (
        _("%(brand)s invites you to speak for it on Candor") % {"brand": _brand(data)},
        _(
            "Accept to manage its products and tester campaigns with its other members, or decline. "
            "Members of a brand cannot vote on reviews of its products or test products."
        ),
    )


def _member_joined(data: dict) -> tuple[str, str]:
    return _("%(name)s joined %(brand)s") % {"name": data["name"], "brand": _brand(data)}, ""


def _member_removed(data: dict) -> tuple[str, str]:
    return (
        _("You no longer speak for %(brand)s on Candor") % {"brand": _brand(data)},
        _("%(name)s, an owner of the brand, removed you from it.") % {"name": data["by_name"]},
    )


def _verification(data: dict) -> tuple[str, None]:
    # The body is the moderator's note, as they wrote it.
    if data["verified"]:
        return _("%(brand)s is verified: you can run tester campaigns") % {"brand": _brand(data)}, None
    return _("%(brand)s is no longer verified") % {"brand": _brand(data)}, None


def _tester_invited(data: dict) -> tuple[str, str]:
    return (
        _("%(brand)s invites you to test %(product)s") % {"brand": _brand(data), "product": _product(data)},
        _("Free to keep; review it honestly within %(days)s days of receiving it, or decline. Answer by %(date)s.")
        % {"days": int(data["review_days"]), "date": short_date(data["answer_by"])},
    )


def _shipped(data: dict) -> tuple[str, str]:
    body = _("Mark it received when it arrives; your review is due %(days)s days after that.") % {
        "days": int(data["review_days"])
    }
    if data["tracking"]:
        body += " " + _("Tracking: %(tracking)s") % {"tracking": data["tracking"]}
    return _("%(brand)s shipped your %(product)s") % {"brand": _brand(data), "product": _product(data)}, body


def _assumed_received(data: dict) -> tuple[str, str]:
    return (
        _("We take it your %(product)s has arrived") % {"product": _product(data)},
        _(
            "It was shipped %(days)s days ago. Your review is due %(date)s. "
            "If it never arrived, tell the brand or a moderator."
        )
        % {"days": int(data.get("days", policy.ASSUME_RECEIVED_DAYS)), "date": short_date(data["due_at"])},
    )


def _overdue(data: dict) -> tuple[str, str]:
    return (
        _("Your review of %(product)s is overdue") % {"product": _product(data)},
        _(
            "Overdue reviews count against your completion rate and your tester status. "
            "Write it now: it will still be linked, honestly, whatever you think of the product."
        ),
    )


def _reminder(data: dict) -> tuple[str, str]:
    return (
        _("Your review of %(product)s is due %(date)s")
        % {"product": _product(data), "date": short_date(data["due_at"])},
        _("Say what you honestly think, good or bad: that is all a tester owes."),
    )


BRAND = {"brand": "glow", "brand_names": {"name": "Glow Lab", "name_en": "", "name_zh": "光实验室"}}
PRODUCT = {"product_names": {"name": "Barrier Cream", "name_en": "", "name_zh": "屏障霜"}}


def connect() -> None:
    other, moderation, invitation = "other", "moderation", "invitation"
    register(other, _member_invited, name="brand_member_invited", example={**BRAND, "membership_invitation": 1})
    register(other, _member_joined, name="brand_member_joined", example={**BRAND, "name": "Mei"})
    register(other, _member_removed, name="brand_member_removed", example={**BRAND, "by_name": "Lin"})
    register(moderation, _verification, name="brand_verification", example={**BRAND, "verified": False})
    register(
        invitation,
        _tester_invited,
        name="tester_invited",
        example={**BRAND, **PRODUCT, "invitation": 1, "review_days": 14, "answer_by": "2026-12-20T10:00:00+00:00"},
    )
    register(
        invitation,
        _shipped,
        name="tester_shipped",
        example={**BRAND, **PRODUCT, "invitation": 1, "review_days": 14, "tracking": "SF123"},
    )
    register(
        invitation,
        _assumed_received,
        name="tester_assumed_received",
        example={**PRODUCT, "invitation": 1, "days": 10, "due_at": "2026-12-20T10:00:00+00:00"},
    )
    register(invitation, _overdue, name="tester_overdue", example={**PRODUCT, "invitation": 1})
    register(
        invitation,
        _reminder,
        name="tester_reminder",
        example={**PRODUCT, "invitation": 1, "due_at": "2026-12-20T10:00:00+00:00"},
    )
