"""The API's JSON parser: a size limit and a nesting limit before the JSON decoder runs.

DRF's JSONParser hands the whole body to json.load: one nested a thousand deep made the decoder
recurse until RecursionError (a 500, on anonymous endpoints too). No Candor payload nests more
than a few levels. The size limit is Django's DATA_UPLOAD_MAX_MEMORY_SIZE, checked here too so it
holds whichever way the body reaches the parser.
"""

import re
from itertools import accumulate

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers
from rest_framework.utils import json

MAX_JSON_DEPTH = 64

# A JSON string (its escapes included): brackets inside one are text, not nesting.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (0 for a scalar)."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with a body-size limit (DATA_UPLOAD_MAX_MEMORY_SIZE, which DRF also
    applies when it reads request.body first; 413) and a nesting limit (MAX_JSON_DEPTH; 400)."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})  # text codecs only (no bz2_codec)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig(_("The request body is larger than %(limit)s bytes.") % {"limit": limit})  # a 413
        try:
            text = raw.decode(encoding)
        except UnicodeError as error:
            raise exceptions.ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
        if json_depth(text) > self.max_depth:
            raise exceptions.ParseError(
                _("JSON nested too deep: at most %(depth)s levels.") % {"depth": self.max_depth}
            )
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:  # the depth count missed a way to nest: still the client's fault
            raise exceptions.ParseError(
                _("JSON nested too deep: at most %(depth)s levels.") % {"depth": self.max_depth}
            ) from None
        except ValueError as error:
            raise exceptions.ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None
