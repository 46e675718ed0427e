import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from typing import IO

import pytest
from django.conf import settings
from django.db import connection

REDIS_SERVER = "/usr/bin/redis-server"


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


class RedisServer:
    """A private redis-server on a free port that a test may stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis():
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.skip(f"needs {REDIS_SERVER}")
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def redis_caches(url: str, backend: str = "config.cache.RedisCache") -> dict:
    """CACHES for a Redis at `url`, with the short timeouts the fault tests rely on (and the
    per-process site chrome, as every settings module has it)."""
    from django.conf import settings

    return {
        "fragments": settings.CACHES["fragments"],
        "default": {
            "BACKEND": backend,
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }


@pytest.fixture
def redis_backed(private_redis, settings):
    """Cache, sessions and the Celery broker on the private Redis, as in production."""
    from django.conf import settings as django_settings

    from config.celery_app import app

    url = private_redis.url
    settings.CACHES = redis_caches(url)  # the backend production uses
    settings.SESSION_ENGINE = django_settings.SESSION_ENGINE if django_settings.REDIS_URL else "config.sessions"
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=url, task_always_eager=False)
    forget_broker_connections(app)
    try:
        yield private_redis
    finally:
        forget_broker_connections(app)
        app.conf.update(saved)


def forget_broker_connections(app) -> None:
    """Connections and producers built for another broker (another test's) must not be reused.
    (Not closed: kombu's pools are shared per broker URL, and other tests use the default one.)"""
    app._pool = None
    app.amqp._producer_pool = None


# --- Celery workers: real processes ------------------------------------------------------------

# Names the workers' database sessions, so a test can find them in pg_stat_activity.
WORKER_APPLICATION = "candor-fault-worker"


def wait_for(condition, timeout: float = 60.0, every: float = 0.2, what: str = "condition"):
    """Poll `condition` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"timed out waiting for {what}")


@pytest.fixture
def workers(transactional_db, redis_backed, private_redis, tmp_path):
    """start(name, queue, **env) -> a running `celery -A config worker` process on `queue`, on the
    test database and the private Redis (broker and cache). All are SIGKILLed at the end, before
    the test database is flushed."""
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        f"?application_name={WORKER_APPLICATION}"
    )
    started: list[tuple[subprocess.Popen, IO]] = []

    def start(name: str, queue: str, **env: str) -> subprocess.Popen:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": url,
            "REDIS_URL": private_redis.url,
            **env,
        }
        if db["PASSWORD"]:
            environment["PGPASSWORD"] = db["PASSWORD"]
        log = tmp_path / f"{name}.log"
        output = log.open("w")
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                f"--queues={queue}",
                "--concurrency=1",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool child dies with it
        )
        process.log = log
        started.append((process, output))
        return process

    yield start
    for process, output in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        output.close()
    # A backend orphaned by a killed worker would block the flush of the test database.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [WORKER_APPLICATION],
        )
