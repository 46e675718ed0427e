"""The words of the ranking app's notifications (accounts.notifications), stated once: they word
each notification when it is read, and when it is written (testers._notify through notify();
levels.announce_level_ups renders the level-up text once per language and run for its set-based
insert), from the data the writers store: the level, the bar's unmet parts, a demotion's reason.
Demotions written before their data held the reason show the words stored at creation.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.notifications import register

from .models import TesterEvent
from .testers import UNMET_WORDS


def _level_up(data: dict) -> tuple[str, str]:
    return (
        _("You reached level %(level)s") % {"level": int(data["level"])},
        _("Your reviews keep helping people. See what the next level needs on your profile."),
    )


def _promotion(data: dict) -> tuple[str, str]:
    return (
        _("You are now an invited tester"),
        _(
            "Your reviews put you among Candor's most helpful reviewers (level %(level)s). "
            "Brands can now invite you to test new products."
        )
        % {"level": int(data["level"])},
    )


def _tester_warning(data: dict) -> tuple[str, str]:
    unmet = pgettext("list separator", ", ").join(str(UNMET_WORDS.get(code, code)) for code in data["unmet"]) or _(
        "none"
    )
    return (
        _("You are below the invited-tester bar"),
        _("If you are still below it at the next full ranking, your invited-tester status ends. Not met: %(unmet)s.")
        % {"unmet": unmet},
    )


def _demotion(data: dict) -> tuple[str, str]:
    # TesterEvent.Reason's label, translated.
    return (
        _("Your invited-tester status has ended"),
        _("%(reason)s.") % {"reason": TesterEvent.Reason(data["reason"]).label},
    )


def connect() -> None:
    register("level_up", _level_up, example={"level": 6})
    register("promotion", _promotion, example={"tester_event": 1, "level": 5, "unmet": []})
    register(
        "other",
        _tester_warning,
        name="tester_warning",
        example={"tester_event": 1, "text": "tester_warning", "level": 4, "unmet": ["rank", "recent_reviews"]},
    )
    register("demotion", _demotion, example={"tester_event": 1, "level": 4, "reason": "below_bar_repeated"})
