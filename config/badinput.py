"""Refuse NUL bytes in the URL (path or query string) before any view sees them.

PostgreSQL text cannot hold a NUL byte: a lookup by a path parameter (`users/<username>/`) or a
query parameter that carries one raised DataError, a 500. No Candor URL has a use for one, so a
request with one is a 400 naming where it was. Request bodies are validated by forms and
serializers (DRF and Django refuse NUL in CharFields; config.fields covers slug lookups).
"""

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path:
            return self._refuse({"path": [_("The address contains a NUL byte.")]})
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return self._refuse({name.replace("\x00", "") or "query": [_("A NUL byte is not allowed here.")]})
        return self.get_response(request)

    @staticmethod
    def _refuse(detail: dict) -> HttpResponse:
        return HttpResponse(json.dumps(detail), status=400, content_type="application/json")
