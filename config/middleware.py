from django.conf import settings

from config.db_router import reads_from_replica, replica_enabled

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
