"""Cursor pagination for every API list (and the web's keyset lists), with the one check of a
`?cursor=` they all go through.

DRF decodes a cursor to a position string and filters the list's first ordering column by it,
so a crafted cursor reached the database: "p=x" on a number column raised ValueError while the
query was built, "p=" + NUL made PostgreSQL refuse the text (DataError). A cursor is only ever
one this list wrote, so anything its first ordering column could not hold is a 400 naming
`cursor`, before any query.
"""

import math
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class InvalidCursor(ValidationError):
    """A `?cursor=` this list did not write (damaged, crafted, or from another list)."""

    def __init__(self):
        super().__init__({"cursor": [_("This cursor is not valid for this list; start again from the first page.")]})


def ordering_field(queryset, name: str) -> models.Field | None:
    """The model field or annotation output field behind an ordering name (None: unknown)."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        try:
            return annotation.output_field
        except FieldDoesNotExist:
            return None
    try:
        return queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def check_position(position: str, field: models.Field | None) -> None:
    """Raise InvalidCursor unless `position` is a value of `field` the database can compare."""
    if "\x00" in position:  # PostgreSQL text cannot hold NUL, whatever the column
        raise InvalidCursor
    if field is None:
        return
    try:
        value = field.to_python(position)
        # Integer range (the database's), string length: what the column itself could hold.
        field.run_validators(value)
    except (DjangoValidationError, ValueError, TypeError, OverflowError, ArithmeticError):
        raise InvalidCursor from None
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise InvalidCursor


class CheckedCursorPagination(CursorPagination):
    """DRF's cursor pagination whose cursor is checked against the list's ordering before use;
    every bad cursor (undecodable too, which DRF answers 404) is a 400 naming `cursor`."""

    def paginate_queryset(self, queryset, request, view=None):
        self._cursor_queryset = queryset  # decode_cursor reads the ordering column's type from it
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise InvalidCursor from None
        if cursor is not None and cursor.position is not None:
            queryset = getattr(self, "_cursor_queryset", None)
            name = self.ordering[0].lstrip("-")
            check_position(cursor.position, ordering_field(queryset, name) if queryset is not None else None)
        return cursor

    def get_page_size(self, request):
        """DRF falls back to the default size for a `?page_size=` it cannot read (`null`, `0`,
        `-1`, `1e3`) and cuts a large one: an answer that differs from what was asked, in silence.
        Anything but a whole number from 1 to max_page_size is a 400 naming `page_size`."""
        raw = request.query_params.get(self.page_size_query_param) if self.page_size_query_param else None
        if raw is not None and not (raw.isdigit() and raw.isascii() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError(
                {"page_size": [_("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}]}
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1, "maximum": self.max_page_size}
        return parameters


class NewestFirstCursorPagination(CheckedCursorPagination):
    """Cursor pagination for every list: stable under inserts, no COUNT(*) per page."""

    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class NameCursorPagination(NewestFirstCursorPagination):
    ordering = ("name", "id")
