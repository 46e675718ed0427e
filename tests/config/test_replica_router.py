"""The replica router: which database each kind of request reads from."""

import pytest
from django.db import router
from django.http import HttpResponse
from django.test import RequestFactory

from config.middleware import PIN_COOKIE, PinPrimaryAfterWriteMiddleware
from reviews.models import Review

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}
    settings.DATABASE_REPLICA_PIN_SECONDS = 10


def read_alias_during(request) -> tuple[str, HttpResponse]:
    seen = {}

    def view(req):
        seen["read"] = router.db_for_read(Review)
        seen["write"] = router.db_for_write(Review)
        return HttpResponse("ok")

    response = PinPrimaryAfterWriteMiddleware(view)(request)
    assert seen["write"] == "default"
    return seen["read"], response


def test_without_a_replica_everything_uses_the_primary():
    alias, _ = read_alias_during(RequestFactory().get("/api/v1/feed/"))
    assert alias == "default"


def test_plain_reads_go_to_the_replica(with_replica):
    alias, response = read_alias_during(RequestFactory().get("/api/v1/feed/"))
    assert alias == "replica"
    assert PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_use_the_primary_and_pin_the_client(with_replica, method):
    alias, response = read_alias_during(getattr(RequestFactory(), method)("/api/v1/reviews/1/vote/"))
    assert alias == "default"
    assert response.cookies[PIN_COOKIE]["max-age"] == 10


def test_reads_right_after_a_write_use_the_primary(with_replica):
    request = RequestFactory().get("/api/v1/reviews/1/")
    request.COOKIES[PIN_COOKIE] = "1"
    alias, _ = read_alias_during(request)
    assert alias == "default"


def test_jobs_and_commands_outside_requests_read_the_primary(with_replica):
    assert router.db_for_read(Review) == "default"


def test_use_primary_inside_a_replica_request(with_replica):
    from config.db_router import use_primary

    def view(req):
        with use_primary():
            return HttpResponse(router.db_for_read(Review))

    assert PinPrimaryAfterWriteMiddleware(view)(RequestFactory().get("/")).content == b"default"


def test_replica_alias_is_built_from_the_environment(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica.internal:5432/candor")
    try:
        reloaded = importlib.reload(base)
        replica = reloaded.DATABASES["replica"]
        assert replica["HOST"] == "replica.internal" and replica["USER"] == "reader"
        assert replica["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert replica["TEST"] == {"MIRROR": "default"}
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        importlib.reload(base)
