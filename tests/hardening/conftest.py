import os
import socket
import subprocess
import time

import pytest

from config import throttling

REDIS_SERVER = "/usr/bin/redis-server"


@pytest.fixture(autouse=True)
def fresh_cache_breaker():
    """A cache failure in one test must not switch the limits off in the next."""
    throttling.reset_cache_breaker()
    yield
    throttling.reset_cache_breaker()


@pytest.fixture
def rates(settings):
    """Set abuse-limit rates for one test: rates(vote="2/minute", vote_new="1/minute")."""

    def apply(**scopes: str) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": scopes}

    return apply


# --- private servers, started by the tests (the machine's shared ones are never stopped) -----


REDIS_SERVER = "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as attempt:
            if attempt.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


@pytest.fixture
def private_redis():
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.skip(f"needs {REDIS_SERVER}")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def redis_backed(private_redis, settings):
    """Cache, sessions and the Celery broker on the private Redis, as in production."""
    from django.conf import settings as django_settings

    from config.celery_app import app

    port, server = private_redis
    url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = django_settings.SESSION_ENGINE if django_settings.REDIS_URL else "config.sessions"
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=url, task_always_eager=False)
    forget_broker_connections(app)
    try:
        yield server
    finally:
        forget_broker_connections(app)
        app.conf.update(saved)


def forget_broker_connections(app) -> None:
    """Connections and producers built for another broker (another test's) must not be reused."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
