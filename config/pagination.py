from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """Cursor pagination for every list: stable under inserts, no COUNT(*) per page."""

    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class NameCursorPagination(NewestFirstCursorPagination):
    ordering = ("name", "id")
