import contextlib
import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.outages import OutageLog
from tests.factories import UserFactory

SEEDED_ONCE = ("tests/reviews/test_seed_demo.py", "tests/reviews/test_seed_demo_first_run.py")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Skip, with a clear reason, the tests that need a server this run does not have; keep the
    tests that must not share a run's moment with each other on one worker."""
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://... (running on SQLite)")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://... (no Redis configured)")
    for item in items:
        # Parallel runs (scripts/test.sh: pytest -n auto --dist loadgroup) run each group's tests
        # one after another on one worker: one Chromium for the browser tests, and the Celery
        # worker faults, which find their workers' sessions by name in pg_stat_activity.
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("browser"))
        if item.nodeid.startswith("tests/hardening/test_worker_faults.py"):
            item.add_marker(pytest.mark.xdist_group("worker-faults"))
        # A seeded demo community is built once per class or module of these, so once per worker
        # that runs one of their tests: all on one worker, it is seeded once.
        if item.nodeid.startswith(SEEDED_ONCE):
            item.add_marker(pytest.mark.xdist_group("seed-demo"))
        if "postgres" in item.keywords and not settings.USING_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def _own_prefix(caches: dict) -> dict:
    return {name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"} for name, config in caches.items()}


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test gets its own cache key prefix: nothing leaks between tests, and a shared Redis
    (a developer's, or parallel runs) is never flushed. No outage remembered from another test
    (config.outages logs one line per outage per process)."""
    settings.CACHES = _own_prefix(settings.CACHES)
    OutageLog.forget_all()


@contextlib.contextmanager
def shared_rows(django_db_blocker, **settings_while_building):
    """Rows built once for a module or class of tests instead of before each one (a costly
    world read by many cases). Yields a function that builds them, inside a transaction that
    stays open until the block ends and is then rolled back; each test runs in its own savepoint
    within it (pytest-django's `db`), so whatever a test changes is undone before the next one,
    exactly as if the rows had been built afresh. Building writes the cache under a key prefix of
    its own (each test then gets another) and with `settings_while_building` applied.

        @pytest.fixture(scope="module")
        def module_world(django_db_setup, django_db_blocker):
            with shared_rows(django_db_blocker) as build:
                yield build(make_world)
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()

    def build(make, *args, **kwargs):
        with (
            django_db_blocker.unblock(),
            override_settings(CACHES=_own_prefix(settings.CACHES), **settings_while_building),
        ):
            return make(*args, **kwargs)

    try:
        yield build
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def fresh_broker_breaker():
    """A broker or cache failure in one test must not stop the next from using them."""
    from config.cache import reset_cache_breaker
    from config.tasks import reset_broker_breaker

    reset_broker_breaker()
    reset_cache_breaker()
    yield
    reset_broker_breaker()
    reset_cache_breaker()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def auth_client(user) -> APIClient:
    return client_for(user)


# Browser tests: Playwright (sync API) driving Debian's Chromium. One browser for the whole
# session, shared by every app's browser tests (two sync_playwright instances cannot coexist in
# one process). The browser is never downloaded: without /usr/bin/chromium the tests are skipped
# with that reason (scripts/test.sh installs it with apt-get when run as root).
# Playwright's sync API keeps an event loop in the test thread; Django would otherwise refuse
# the ORM calls the tests make to set up data and check results.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"needs Chromium at {CHROMIUM} (scripts/test.sh installs it with apt-get when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def fresh_local_cache():
    """What a process keeps (the site chrome's fragments, the cards read lately) does not
    outlive the test's rolled-back rows, nor its site chrome the test's settings."""
    from django.core.cache import caches

    from reviews import cards

    caches["fragments"].clear()
    cards.forget_local()
    yield
    caches["fragments"].clear()
