"""No refusal, flash message, notification or API error is written as a bare English literal (issue
26): every one goes through gettext, so makemessages sees it and scripts/i18n_check.sh makes sure it
is translated.

The scan is narrow on purpose, so it has no false alarms: a string literal (or an f-string) given as
the message of a refusal (ValidationError, PermissionDenied, Http404, NotFound, ...), of
`messages.success/error/...`, of a view's `_refuse`, as a notification's title or body, as an API
answer's `detail` or field messages, or as a DRF `message`/`default_detail`/`default_error_messages`.
A literal wrapped in gettext is a call, not a literal, so it passes. Field names ("testers: " +
gettext(...)) and machine values outside the message are not looked at. Reasons built into lists
(brands' eligibility) are checked by their own tests (test_brands_zh).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "brands", "config", "foryou", "moderation", "ranking", "reviews", "search"]
# Code no reader sees: schema migrations and management commands (their output is for operators).
SKIPPED_PARTS = {"migrations", "management"}

REFUSALS = {
    "ValidationError",
    "PermissionDenied",
    "Http404",
    "NotFound",
    "TransitionRefused",
    "ParseError",
    "Conflict",
    "NotAuthenticated",
}
MESSAGE_LEVELS = {"success", "error", "warning", "info", "debug"}
DRF_MESSAGE_ATTRIBUTES = {"message", "default_detail", "default_error_messages"}


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in node.value)
    return isinstance(node, ast.JoinedStr)


def _literals(node: ast.AST) -> Iterator[ast.AST]:
    """The literal messages in a message argument: a string, or a dict or list of them."""
    if _is_literal(node):
        yield node
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            yield from _literals(item)


def _callee(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _message_arguments(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Assign):
        names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        return [node.value] if names & DRF_MESSAGE_ATTRIBUTES else []
    if not isinstance(node, ast.Call):
        return []
    name = _callee(node)
    if name in REFUSALS:
        return node.args[:1] + [k.value for k in node.keywords if k.arg in ("detail", "message")]
    if (
        name in MESSAGE_LEVELS
        and isinstance(node.func, ast.Attribute)
        and getattr(node.func.value, "id", "") == "messages"
    ):
        return node.args[1:2]
    if name == "_refuse":
        return node.args[1:2]
    if name == "notify":
        return [k.value for k in node.keywords if k.arg in ("title", "body")]
    if name in ("Response", "JsonResponse") and node.args and isinstance(node.args[0], ast.Dict):
        answer = node.args[0]
        detail = [
            v
            for k, v in zip(answer.keys, answer.values, strict=True)
            if isinstance(k, ast.Constant) and k.value == "detail"
        ]
        return detail + [v for v in answer.values if isinstance(v, ast.List)]  # {"field": ["message"]}
    return []


def untranslated(source: str) -> list[int]:
    """Line numbers of literal messages in `source`."""
    return sorted(
        literal.lineno
        for node in ast.walk(ast.parse(source))
        for argument in _message_arguments(node)
        for literal in _literals(argument)
    )


def test_the_scan_finds_what_it_looks_for():
    source = """
raise ValidationError({"testers": [f"Only {left} left."]})
raise Http404("No such campaign.")
messages.success(request, "Saved.")
notify(recipient=u, title="Hello", body=_("fine"))
return Response({"detail": "Not found."}, status=404)
class IsModerator:
    message = "Only moderators can do this."
raise ValidationError({"testers": [_("Only %(left)s left.") % {"left": left}]})
return _refuse(request, "count: " + _("Give a whole number."), 400)
"""
    assert untranslated(source) == [2, 3, 4, 5, 6, 8]


def _app_files() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)
    ]


@pytest.mark.parametrize("app", APPS)
def test_no_user_visible_message_is_a_bare_literal(app):
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _app_files()
        if path.relative_to(ROOT).parts[0] == app
        for line in untranslated(path.read_text(encoding="utf-8"))
    ]
    assert not found, "wrap these messages in gettext (docs/i18n.md): " + ", ".join(found)
