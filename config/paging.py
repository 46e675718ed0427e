"""Numbered pages and keyset cursors for web lists (the API uses DRF's cursor pagination),
without a COUNT(*) query."""

import base64
import binascii
import math
from urllib.parse import parse_qs, urlencode

from django.http import HttpRequest


def page_number(request: HttpRequest, *, max_page: int) -> int:
    """The `?page=` asked for, clamped to 1..max_page; anything unreadable is page 1."""
    try:
        number = int(request.GET.get("page", 1))
    except (TypeError, ValueError):
        number = 1
    return max(1, min(number, max_page))


def page_slice(queryset, page: int, *, size: int, max_page: int) -> tuple[list, bool]:
    """One page of `queryset` and whether another follows: fetches one row more than a page."""
    start = (page - 1) * size
    rows = list(queryset[start : start + size + 1])
    return rows[:size], len(rows) > size and page < max_page


MAX_ID = 2**63 - 1  # the largest bigint primary key


class BadCursor(ValueError):
    """Not a cursor of a keyset list (damaged, or from another list)."""


def encode_cursor(position: tuple[float, int]) -> str:
    """The opaque `?cursor=` of the page after `position` (sort value, id)."""
    value, pk = position
    return base64.urlsafe_b64encode(urlencode({"p": repr(float(value)), "i": int(pk)}).encode()).decode()


def decode_cursor(cursor: str) -> tuple[float, int]:
    """(sort value, id) from encode_cursor's text; BadCursor for anything else. A cursor of the
    earlier format (DRF's, a position without an id) reads as "below that position"."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)).decode()
        fields = parse_qs(text, strict_parsing=True)
        value = float(fields["p"][0])
        pk = int(fields["i"][0]) if "i" in fields else -1
    except (binascii.Error, UnicodeError, ValueError, KeyError, IndexError):
        raise BadCursor(cursor) from None
    # Only what encode_cursor writes: a finite score, an id of a row (or -1, the legacy format).
    if not math.isfinite(value) or not -1 <= pk <= MAX_ID:
        raise BadCursor(cursor)
    return value, pk
