"""The API's JSON renderer: DRF's, safe for text that cannot be encoded as UTF-8.

A request may carry a lone surrogate (`"\\ud800"` is valid JSON, and Python decodes it to a str
that UTF-8 cannot encode). Serializers refuse it in text fields, but some error messages repeat
the value sent ("\\"x\\ud800\\" is not a valid choice."), and DRF's renderer, which writes
non-ASCII characters as they are, then failed to encode its own answer: a 500 instead of the
400 naming the field. Such an answer is written with every non-ASCII character escaped instead
(the same JSON to any parser); every other answer is unchanged.
"""

from rest_framework import renderers


class _EscapedJSONRenderer(renderers.JSONRenderer):
    ensure_ascii = True


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return _EscapedJSONRenderer().render(data, accepted_media_type, renderer_context)
