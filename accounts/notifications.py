"""What a notification says, worded when it is read, in the reader's language of the moment.

A notification stores its `kind` and its `data` (the figures and names its words need) beside a
title and body written once, at creation. Its words are composed again from `kind` and `data`
each time it is shown (the page, the API), under the active language, so a reader who switches
language, or who never chose one and was notified by a nightly job, reads it in their interface's
language. The stored title and body stay as they were written: they are what is shown for a row
whose kind has no registered text, or whose data lacks what the text needs (rows older than the
text), and they are what the admin and exports see.

Each app registers the texts of its own notifications from its own `notifications.py` (connected
in its AppConfig.ready): accounts imports no other app. A kind with more than one text (OTHER,
MODERATION, INVITATION) tells them apart by `data["text"]` (tester warnings stored before it
carry the older name, `data["event"]`, still read). `notify()` without a title words the new row with the same text, in the
recipient's language (`in_language_of`), so each wording is stated once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A text's function reads the data (raising KeyError, TypeError or ValueError when a figure it
# needs is missing or malformed) and returns (title, body) in the active language; body None
# means the stored body is the words (a comment, a moderator's reason: people's own words,
# not ours to translate).
Render = Callable[[dict], tuple[str, str | None]]


@dataclass(frozen=True)
class Text:
    kind: str
    name: str
    render: Render
    # Data as its callers write it: the registry test renders every text from it in each language.
    example: dict


_TEXTS: dict[tuple[str, str], Text] = {}


def register(kind: str, render: Render, *, example: dict, name: str = "") -> None:
    """Register the words of notifications of `kind` (and, for a kind with several texts, of the
    one whose data["text"] is `name`)."""
    _TEXTS[str(kind), name] = Text(str(kind), name, render, example)


def registered() -> list[Text]:
    return list(_TEXTS.values())


def text_name(data: object) -> str:
    if not isinstance(data, dict):
        return ""
    return str(data.get("text") or data.get("event") or "")


def render(kind: str, data: object) -> tuple[str, str | None] | None:
    """(title, body) of a notification of `kind` with `data`, in the active language; None when
    there is no text for it or its data lacks what the text needs."""
    text = _TEXTS.get((str(kind), text_name(data))) or _TEXTS.get((str(kind), ""))
    if text is None or not isinstance(data, dict):
        return None
    try:
        title, body = text.render(data)
    except (KeyError, TypeError, ValueError):
        return None
    return str(title), None if body is None else str(body)


def words(kind: str, data: object, *, title: str, body: str) -> tuple[str, str]:
    """What a stored notification says now: its text rendered, else what was stored."""
    rendered = render(kind, data)
    if rendered is None:
        return title, body
    return rendered[0], body if rendered[1] is None else rendered[1]


# --- accounts' own texts ---------------------------------------------------------------------


def _new_follower(data: dict) -> tuple[str, None]:
    return _("%(name)s started following you") % {"name": data["follower_name"]}, None


register("new_follower", _new_follower, example={"follower": "mei", "follower_name": "Mei"})
