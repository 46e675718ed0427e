"""Operating Candor (issue 29): faults an operator meets, with private Redis servers and real
PostgreSQL connections started by the tests.

- Readiness is the database only: Redis down, hung or full leaves /readyz at 200; the cache and
  the broker show in /healthz/detail, and a change of state is logged once.
- A rerank runs whatever state Redis is in (its lock is a database row).
- A killed or failed full run, or a missed nightly one, is done by the next incremental run.
- PostgreSQL unreachable, or lost in the middle of a write: the API answers JSON 503 with
  Retry-After, pages a "we'll be right back" 503 page, and nothing is half written.
- Every cache key expires; the broker and the cache can have their own Redis.
- Sessions log one line per Redis outage, not a traceback per request.
- Backup and restore (bench/backup/roundtrip.py) round-trips a seeded site.
"""

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from config import health
from config.cache import reset_cache_breaker
from config.outages import OutageLog
from ranking import services
from ranking.models import RerankRun, RerankState, ReviewerStanding
from reviews.models import HelpfulVote, Review
from tests.conftest import client_for
from tests.factories import ProductFactory, ReviewFactory, UserFactory
from tests.hardening.conftest import free_port, wait_for
from tests.hardening.test_worker_faults import run_held_at_product_scores, stalled_run_pid, worker_sessions
from tests.ranking.conftest import add_votes, make_review, rerank

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_process_state():
    """Each test starts as a fresh process would: no remembered outage or health state."""
    reset_cache_breaker()
    OutageLog.forget_all()
    health._last.clear()
    yield
    reset_cache_breaker()
    OutageLog.forget_all()
    health._last.clear()


def fill_up(server) -> None:
    """maxmemory below what Redis already uses, under noeviction: every write is refused."""
    client = redis.Redis(port=server.port)
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("maxmemory", 1)
    with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
        client.set("probe", "x")


# --- 1. readiness is the database only ---------------------------------------------------------


@pytest.mark.django_db
def test_readyz_stays_ready_while_redis_is_down_hung_or_full_and_the_detail_says_why(redis_backed, settings, caplog):
    settings.CACHE_RETRY_SECONDS = 0.2
    assert Client().get("/readyz").status_code == 200
    assert Client().get("/healthz/detail").json()["status"] == "ok"

    fill_up(redis_backed)
    ready = Client().get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok"}
    detail = Client().get("/healthz/detail")
    assert detail.status_code == 200  # never a signal for the balancer
    assert detail.json()["checks"]["cache"].startswith("error")
    assert detail.json()["checks"]["broker"] == "error: full (maxmemory reached under noeviction)"
    assert detail.json()["status"] == "degraded" and detail.json()["ready"] is True
    redis.Redis(port=redis_backed.port).config_set("maxmemory", 0)
    time.sleep(0.3)  # the cache breaker closes
    assert Client().get("/healthz/detail").json()["status"] == "ok"

    os.kill(redis_backed.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert Client().get("/readyz").status_code == 200
        assert time.monotonic() - started < 0.5  # the database only: no Redis timeout paid
    finally:
        os.kill(redis_backed.process.pid, signal.SIGCONT)

    redis_backed.stop()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="candor.health"):
        assert Client().get("/readyz").status_code == 200
        for _ in range(3):
            checks = Client().get("/healthz/detail").json()["checks"]
            assert checks["database"] == "ok" and checks["cache"].startswith("error")
            assert checks["broker"].startswith("error")
        redis_backed.start()
        time.sleep(0.3)
        assert Client().get("/healthz/detail").json()["status"] == "ok"
    lines = [r.getMessage() for r in caplog.records if r.name == "candor.health"]
    # One line per change of state, not one per poll.
    assert sorted(lines) == sorted(
        [
            "health: cache is down (error: ConnectionError)",
            "health: broker is down (error: ConnectionError)",
            "health: cache is back",
            "health: broker is back",
        ]
    ), lines


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_does_not(monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda alias="default": "error: OperationalError")
    ready = Client().get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "unavailable"


# --- 2. a rerank runs whatever state Redis is in ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["stopped", "full"])
def test_a_rerank_runs_while_redis_is_stopped_or_full(redis_backed, fault):
    voted = make_review(product=ProductFactory())
    add_votes(voted, helpful=2)
    if fault == "stopped":
        redis_backed.stop()
    else:
        fill_up(redis_backed)
    result = services.rerank(full=True)
    assert not result.skipped and result.changes["review_scores"] >= 1
    assert services.lock_holder() is None  # released
    add_votes(voted, helpful=1)
    again = services.rerank()
    assert not again.skipped and again.changes["review_scores"] >= 1


# --- 3. a killed, failed or missed full run is done by the next incremental run ----------------


@pytest.mark.django_db
def test_a_missed_nightly_full_run_is_done_by_the_next_incremental_run(caplog):
    make_review(product=ProductFactory())
    now = timezone.now()
    rerank(full=True, now=now - timedelta(hours=20))
    assert rerank(now=now).kind == "incremental"  # 20 hours: not yet due
    with caplog.at_level(logging.WARNING, logger="ranking.services"):
        result = rerank(now=now + timedelta(hours=6))  # 26 hours since the last full run
    assert result.kind == "full" and result.notes["promoted_to_full"] == 1
    assert "more than 1 day, 1:00:00 ago" in caplog.text
    assert rerank(now=now + timedelta(hours=6, minutes=5)).kind == "incremental"


@pytest.mark.django_db
def test_a_failed_full_run_is_retried_at_the_next_tick_then_less_often(monkeypatch, settings):
    from ranking.engine import Engine

    make_review(product=ProductFactory())
    now = timezone.now()
    rerank(full=True, now=now - timedelta(hours=1))
    real = Engine.product_scores

    def broken(self, *args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(Engine, "product_scores", broken)
    with pytest.raises(RuntimeError):
        services.rerank(full=True, now=now)  # the nightly run fails
    tick = settings.RANKING_RERANK_INTERVAL
    with pytest.raises(RuntimeError):
        services.rerank(now=now + tick)  # due at once: the next tick runs it as a full run
    assert RerankState.objects.get().full_attempts == 2
    monkeypatch.setattr(Engine, "product_scores", real)
    # A second failure waits one interval more: meanwhile the incremental runs go on.
    assert rerank(now=now + tick + tick / 2).kind == "incremental"
    result = rerank(now=now + 3 * tick)
    assert result.kind == "full" and result.notes["promoted_to_full"] == 1
    assert rerank(now=now + 4 * tick).kind == "incremental"  # done: back to normal
    assert RerankRun.objects.filter(kind="full", status="failed").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_full_run_killed_midway_is_done_by_the_next_incremental_run(workers):
    """A real worker SIGKILLed in the middle of the nightly full run: within one rerank interval
    the next (incremental) run does the full run's work, tester promotion included."""
    from ranking import tasks

    voted = make_review(product=ProductFactory())
    add_votes(voted, helpful=2)
    rerank(full=True)
    ReviewerStanding.objects.update(overall_rank=None)  # what only a full run writes again
    with run_held_at_product_scores():
        doomed = workers("doomed", "ranking", DATABASE_CLIENT_CHECK_SECONDS="1")
        tasks.rerank.delay(full=True)
        stalled_run_pid()
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
        wait_for(lambda: worker_sessions() == 0, timeout=15, what="the killed worker's session to end")
    assert not RerankRun.objects.filter(status="failed").exists()  # nobody left to record it
    assert services.full_run_due(now=timezone.now()).startswith("the full run begun at")
    result = services.rerank()  # what beat enqueues every RANKING_RERANK_INTERVAL
    assert result.kind == "full" and result.notes["promoted_to_full"] == 1
    assert ReviewerStanding.objects.filter(user=voted.author, overall_rank__isnull=False).exists()
    assert services.full_run_due(now=timezone.now()) is None
    assert services.rerank().kind == "incremental"


# --- 4. PostgreSQL unreachable or lost mid-write -------------------------------------------------


def _unreachable_database():
    """Point the default connection at a port nothing listens on: PostgreSQL refuses."""
    connection.close()
    saved = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = str(free_port())
    return saved


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_while_postgresql_is_unreachable_the_api_answers_json_503_and_pages_a_503_page(caplog):
    review = ReviewFactory()
    voter = UserFactory()
    api = client_for(voter)
    before = HelpfulVote.objects.count()
    saved = _unreachable_database()
    try:
        with caplog.at_level(logging.WARNING):
            for url in ["/api/v1/reviews/", f"/api/v1/reviews/{review.pk}/", "/api/v1/discover/"]:
                response = Client().get(url)
                assert response.status_code == 503, (url, response.status_code)
                assert response["Content-Type"] == "application/json"
                assert response.json()["code"] == "unavailable" and response["Retry-After"] == "30"
            vote = api.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json")
            assert vote.status_code == 503 and vote.json()["code"] == "unavailable"
            for url in ["/", f"/r/{review.pk}/", "/rankings/"]:
                page = Client().get(url)
                assert page.status_code == 503 and page["Retry-After"] == "30"
                assert page["Content-Type"].startswith("text/html")
                assert b"We'll be right back" in page.content or b"We&#x27;ll be right back" in page.content
            assert Client().get("/readyz").status_code == 503
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved
    outages = [r for r in caplog.records if r.name == "candor.outage"]
    assert len(outages) == 1 and outages[0].getMessage().startswith("database unavailable (OperationalError")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no error log per request
    with caplog.at_level(logging.WARNING, logger="candor.outage"):
        assert Client().get("/api/v1/reviews/").status_code == 200
    assert caplog.records[-1].getMessage() == "database is back"
    assert HelpfulVote.objects.count() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_that_loses_postgresql_midway_answers_503_and_leaves_nothing_half_written():
    """The connection dies between a comment's row and its review's counter (one transaction):
    the client gets a 503, and neither is kept."""
    from django.db.models.signals import post_save

    from accounts.models import Notification
    from reviews.models import Comment

    review = ReviewFactory()
    commenter = UserFactory()

    def lose_the_connection(sender, **kwargs):
        pid = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        finally:
            other.close()

    post_save.connect(lose_the_connection, sender=Comment, dispatch_uid="lose-the-connection")
    try:
        response = client_for(commenter).post(
            f"/api/v1/reviews/{review.pk}/comments/", {"body": "Lovely."}, format="json"
        )
    finally:
        post_save.disconnect(sender=Comment, dispatch_uid="lose-the-connection")
    assert response.status_code == 503 and response["Retry-After"] == "30", response.content
    assert response.json()["code"] == "unavailable"
    connection.close()
    assert not Comment.objects.exists() and not Notification.objects.exists()
    assert Review.objects.get(pk=review.pk).comment_count == 0
    assert (
        client_for(commenter)
        .post(f"/api/v1/reviews/{review.pk}/comments/", {"body": "Lovely."}, format="json")
        .status_code
        == 201
    )


# --- 6. cache keys expire; separate URLs for the broker and the cache ----------------------------


@pytest.mark.django_db
def test_every_key_the_site_writes_to_redis_expires(redis_backed, settings):
    settings.PAGE_CACHE_SECONDS = 60
    review = ReviewFactory()
    browser = Client()
    browser.force_login(UserFactory())
    for url in ["/", f"/p/{review.product.slug}/", "/rankings/", "/api/v1/discover/", f"/r/{review.pk}/"]:
        assert Client().get(url).status_code == 200
        assert browser.get(url).status_code == 200
    vote = client_for(UserFactory()).put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json")
    assert vote.status_code == 200
    rerank(full=True)
    from config import pagecache
    from reviews import cards

    pagecache.invalidate()
    cards.invalidate()
    client = redis.Redis(port=redis_backed.port)
    keys = client.keys("*")
    assert len(keys) >= 5, keys
    forever = [key for key in keys if client.ttl(key) < 0]
    assert forever == [], forever


def test_the_broker_and_the_cache_may_have_their_own_redis_and_cache_keys_expire_by_default():
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "CACHE_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": "redis://shared:6379/0",
        "CELERY_BROKER_URL": "redis://broker:6379/0",
        "CACHE_URL": "redis://cache:6379/1",
    }
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'], s.CACHES['default']['TIMEOUT'])"
    )

    def read(env):
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert read(environment) == ["redis://broker:6379/0", "redis://cache:6379/1", "3600"]
    shared = {k: v for k, v in environment.items() if k not in ("CELERY_BROKER_URL", "CACHE_URL")}
    assert read(shared) == ["redis://shared:6379/0", "redis://shared:6379/0", "3600"]


def test_no_code_writes_a_cache_key_that_never_expires():
    offenders = []
    for folder in ["accounts", "reviews", "ranking", "moderation", "brands", "config"]:
        for path in (ROOT / folder).rglob("*.py"):
            code = [line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")]
            if any(re.search(r"timeout\s*=\s*None", line) for line in code):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- 7. one log line per Redis outage from the sessions -------------------------------------------


@pytest.mark.django_db
def test_sessions_log_one_line_per_redis_outage_not_a_traceback_per_request(redis_backed, settings, caplog):
    settings.CACHE_RETRY_SECONDS = 0.1
    browser = Client()
    browser.force_login(UserFactory())
    assert browser.get("/").status_code == 200
    redis_backed.stop()
    with caplog.at_level(logging.INFO, logger="django.contrib.sessions"):
        for _ in range(5):
            assert browser.get("/notifications/").status_code == 200
            time.sleep(0.1)  # past the breaker: the cache is really asked again
        redis_backed.start()
        time.sleep(0.2)
        for _ in range(3):
            assert browser.get("/notifications/").status_code == 200
    records = [r for r in caplog.records if r.name == "django.contrib.sessions"]
    assert [r.getMessage().split(" (")[0] for r in records] == ["session cache unavailable", "session cache is back"]
    assert all(r.exc_info is None for r in records)


@pytest.mark.django_db
def test_rate_limits_log_one_line_per_redis_outage_not_one_per_request(redis_backed, settings, rates, caplog):
    settings.CACHE_RETRY_SECONDS = 0.1
    rates(vote="100/minute", vote_new="100/minute")
    api = client_for(UserFactory())
    reviews = [ReviewFactory() for _ in range(6)]
    assert api.put(f"/api/v1/reviews/{reviews[0].pk}/vote/", {"helpful": True}, format="json").status_code == 200
    redis_backed.stop()
    with caplog.at_level(logging.INFO, logger="config.throttling"):
        for review in reviews[1:4]:  # fail open: every vote is kept
            assert api.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json").status_code == 200
            time.sleep(0.1)  # past the breaker: the cache is really asked again
        redis_backed.start()
        time.sleep(0.2)
        for review in reviews[4:]:
            assert api.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json").status_code == 200
    records = [r for r in caplog.records if r.name == "config.throttling"]
    assert [r.getMessage().split(" (")[0] for r in records] == [
        "rate-limit cache unavailable",
        "rate-limit cache is back",
    ]
    assert all(r.exc_info is None for r in records)
    assert HelpfulVote.objects.filter(review__in=reviews).count() == 6


# --- 5. backup and restore -------------------------------------------------------------------


@pytest.mark.postgres
def test_backup_and_restore_round_trip_a_seeded_site(tmp_path):
    """bench/backup/roundtrip.py on a small seed: the restored database and media folder serve
    the same pages and hold the same files, byte for byte."""
    if not shutil.which("pg_dump") and not Path("/usr/lib/postgresql/15/bin/pg_dump").exists():
        pytest.skip("needs pg_dump")
    db = connection.settings_dict
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "bench/backup/roundtrip.py",
            "--server",
            server,
            "--prefix",
            f"{db['NAME']}_backup",
            "--work",
            str(tmp_path),
            "--users",
            "8",
            "--products",
            "4",
            "--reviews",
            "15",
        ],
        cwd=ROOT,
        env={**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode == 2 and "unreachable" in result.stdout:
        pytest.skip(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert time.monotonic() - started < 60
    assert "pages identical: " in result.stdout and "files identical: " in result.stdout
    pages = int(result.stdout.split("pages identical: ")[1].split()[0])
    files = int(result.stdout.split("files identical: ")[1].split()[0])
    assert pages == 12 and files >= 1, result.stdout
    assert "round trip identical" in result.stdout
