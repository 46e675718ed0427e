import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from config.db_router import reads_from_replica, replica_enabled
from config.outages import OutageLog

PIN_COOKIE = "candor_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class PinPrimaryAfterWriteMiddleware:
    """Decide per request whether reads may go to the replica (read-your-own-writes).

    An unsafe request runs on the primary and sets a short-lived cookie; requests carrying the
    cookie keep reading from the primary until it expires (DATABASE_REPLICA_PIN_SECONDS, longer
    than the replica's worst expected lag).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_enabled():
            return self.get_response(request)
        is_write = request.method not in SAFE_METHODS
        with reads_from_replica(not is_write and PIN_COOKIE not in request.COOKIES):
            response = self.get_response(request)
        if is_write:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


# --- the database unavailable ----------------------------------------------------------------

# What a client is told to wait before trying again while the database is unavailable.
OUTAGE_RETRY_AFTER_SECONDS = 30

outage_logger = logging.getLogger("candor.outage")
_outage = OutageLog(outage_logger, "database")


def is_database_outage(error: BaseException) -> bool:
    """A failure to reach or keep talking to the database (refused, reset, restarting, a lost
    connection): nothing the request did wrong, and worth retrying. Each service is one
    transaction, so whatever it had written is rolled back with the lost connection."""
    return isinstance(error, (OperationalError, InterfaceError))


def outage_response(request) -> HttpResponse:
    """503 with Retry-After: JSON for the API, a standalone page for the rest, rendered without
    the request or the database (no context processors, no user, no categories)."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The service is briefly unavailable. Please try again shortly."), "code": "unavailable"},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once per outage (below), not by Django's request log at every 5xx (the attribute
    # django.utils.log.log_response checks).
    response._has_been_logged = True
    return response


class DatabaseOutageMiddleware:
    """While the database is unavailable, answer 503 with Retry-After instead of a 500 (and an
    error log with a traceback per request). The outage is logged once per process: its first
    failure, and the first request that succeeds again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 500:
            _outage.answered()
        return response

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        _outage.failed(exception, "answering 503")
        return outage_response(request)


def server_error(request, *args, **kwargs):
    """handler500: a database outage met outside a view (a middleware saving the session) is a
    503 as well; anything else is the usual 500 page."""
    import sys

    from django.views.defaults import server_error as default_server_error

    error = sys.exc_info()[1]
    if error is not None and is_database_outage(error):
        return outage_response(request)
    return default_server_error(request, *args, **kwargs)
