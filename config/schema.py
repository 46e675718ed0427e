"""The API schema's error responses, declared once for every operation.

drf-spectacular documents the success answer of each view. The errors come from shared plumbing
(DRF's authentication, permissions, throttles and parsers, config.exceptions, config.badinput,
config.parsers, the database-outage middleware), so they are added here, to each operation whose
shape can produce them, read from the view itself:

- 400 (field -> messages, or `detail`): a write, or any operation with parameters or a body
  (a NUL byte in a path or query parameter is refused by config.badinput before any view);
- 401: every operation whose view authenticates (a bad or expired token is refused everywhere);
- 403: a write (CSRF on a session, a suspended account, a service's PermissionDenied), or a
  read behind a permission stricter than "signed in" (moderators, brand members);
- 404: operations with path parameters;
- 409: views that declare it (`schema_error_statuses`, a step the object's state refuses);
- 413, 415: operations with a request body (config.parsers' size limit, an unparsed media type);
- 429 with Retry-After: writes behind a rate limit (config.throttling);
- 503 with Retry-After: every operation (the database is unreachable).

A view can name more statuses in `schema_error_statuses`.

Each request body is documented in one media type (JSON, or multipart where it carries a file),
so a client generated from the schema speaks JSON.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, is_serializer
from rest_framework import permissions, serializers

from config.throttling import CandorRateThrottle

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Permissions that only ask "signed in?" (401, never 403, for a read).
LENIENT_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated, permissions.IsAuthenticatedOrReadOnly)

DESCRIPTIONS = {
    "400": "The request is invalid: each field (or `non_field_errors`, or `detail` for a body that "
    "cannot be parsed) names what is wrong.",
    "401": "No valid credentials: the token is missing, unknown or its account inactive.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Nothing at this address (or nothing this caller may see).",
    "409": "The object's current state does not allow this step (the field names what stands in the way).",
    "413": "The request body is too large.",
    "415": "The request body's media type is not accepted here.",
    "429": "Too many requests: wait for the number of seconds in Retry-After.",
    "503": "The service is briefly unavailable (its database cannot be reached): retry after the "
    "number of seconds in Retry-After.",
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before trying again.",
    }
}


class ErrorDetailSerializer(serializers.Serializer):
    """An error as DRF words it: one sentence."""

    detail = serializers.CharField()


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Field name (or `non_field_errors`, or `detail`) -> what is wrong with it: a list of "
    "messages, or the same shape again for a nested field.",
    "additionalProperties": {},
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema plus the error answers each operation can give."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_statuses(operation):
            responses.setdefault(code, self._error_response(code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def map_parsers(self) -> list[str]:
        """One request media type per operation: JSON, or multipart where the body carries a
        file. The views also parse forms (the browsable API), but a client generated from the
        schema picks one of the listed types, and a JSON API should be spoken in JSON."""
        media_types = super().map_parsers()
        preferred = "multipart/form-data" if self._takes_files() else "application/json"
        return [preferred] if preferred in media_types else media_types

    def _takes_files(self) -> bool:
        serializer = force_instance(self.get_request_serializer())
        if not is_serializer(serializer):
            return False
        fields = getattr(serializer, "child", serializer).fields.values()
        return any(isinstance(getattr(field, "child", field), serializers.FileField) for field in fields)

    def _error_statuses(self, operation: dict) -> list[str]:
        write = self.method not in SAFE_METHODS
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        codes = {"503"}
        if write or parameters or has_body:
            codes.add("400")
        if self.view.get_authenticators():
            codes.add("401")
            if write or not all(isinstance(p, LENIENT_PERMISSIONS) for p in self.view.get_permissions()):
                codes.add("403")
        if any(parameter["in"] == "path" for parameter in parameters):
            codes.add("404")
        if has_body:
            codes.update({"413", "415"})
        if self._rate_limited():
            codes.add("429")
        codes.update(str(code) for code in getattr(self.view, "schema_error_statuses", ()))
        return sorted(codes)

    def _rate_limited(self) -> bool:
        for throttle in self.view.get_throttles():
            if not isinstance(throttle, CandorRateThrottle):
                return True  # another throttle counts every request
            # CandorRateThrottle counts writes only, in the scope the view names for this action.
            if self.method not in SAFE_METHODS and throttle._scope_for(None, self.view):
                return True
        return False

    def _error_response(self, code: str) -> dict:
        if code in ("400", "409"):  # both name the field: {"status": ["Not shipped yet."]}
            component = ResolvedComponent(
                name="ValidationError",
                type=ResolvedComponent.SCHEMA,
                object="ValidationError",
                schema=VALIDATION_ERROR_SCHEMA,
            )
            self.registry.register_on_missing(component)
            schema = component.ref
        else:
            schema = self.resolve_serializer(ErrorDetailSerializer, "response").ref
        response = {
            "description": DESCRIPTIONS.get(code, "An error."),
            "content": {media_type: {"schema": schema} for media_type in self.map_renderers("media_type")},
        }
        if code in ("429", "503"):
            response["headers"] = RETRY_AFTER
        return response
