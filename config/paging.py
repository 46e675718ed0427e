"""Numbered pages for web lists (the API uses cursor pagination), without a COUNT(*) query."""

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
