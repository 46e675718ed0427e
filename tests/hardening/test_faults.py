"""Faults, with private servers started by the tests (the machine's shared PostgreSQL and Redis
are never stopped):

- Redis stopped: pages and API reads still answer, signed-in pages included; a vote is kept
  (its rate limit fails open) and answers fast; a write that enqueues a Celery task answers
  within 2 s and keeps the write, and its email waits in the outbox until the periodic drain
  sends it (once); /readyz stays ready (the database answers) and /healthz/detail reports the
  cache.
- Redis hung (SIGSTOP: accepts connections, never answers): pages pay one cache timeout, then
  answer at uncached speed (the cache breaker); a batch of invitations answers within 2 s (short
  publish timeouts, then the broker breaker) and the emails wait in the outbox.
- PostgreSQL restarted: the app's connection settings (CONN_HEALTH_CHECKS) recover on the next
  request, without a process restart.

Elsewhere: a Celery worker killed during a rerank, and two reranks at once in two workers, in
test_worker_faults.py (real worker processes); the same in one process in tests/ranking/test_job.py.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from reviews.models import HelpfulVote
from tests.brands.conftest import brand, campaign, member, product, skincare, testers  # noqa: F401, F811
from tests.conftest import client_for
from tests.factories import ReviewFactory, UserFactory
from tests.hardening.conftest import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def committed(capture, request):
    """Make `request` and run what it left for after commit (the enqueue), as a real request does:
    the test's own transaction otherwise keeps on_commit callbacks from running at all."""
    with capture(execute=True):
        response = request()
    return response


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.django_db
def test_with_redis_stopped_reads_answer_and_votes_are_kept(
    redis_backed,
    member,  # noqa: F811 - the brands fixtures imported above
    campaign,  # noqa: F811
):
    review = ReviewFactory()
    voter = UserFactory()
    browser, brand_browser = Client(), Client()
    browser.force_login(voter)  # a session in Redis (and the database)
    brand_browser.force_login(member)
    api = client_for(voter)
    assert browser.get("/").status_code == 200 and brand_browser.get("/brand/").status_code == 200
    redis_backed.stop()

    category, slug, author = review.product.category.slug, review.product.slug, review.author.username
    pages = [
        (browser, "/"),
        (browser, f"/?category={category}"),
        (browser, f"/r/{review.pk}/"),
        (browser, f"/p/{slug}/"),
        (browser, f"/u/{author}/"),
        (browser, "/search/?q=cream"),
        (browser, "/rankings/"),
        (browser, f"/rankings/{category}/"),
        (browser, "/rankings/levels/"),
        (browser, "/notifications/"),
        (browser, "/tester/"),
        (brand_browser, "/brand/"),
        (brand_browser, f"/brand/campaigns/{campaign.pk}/"),
        (Client(), "/"),
    ]
    for client, url in pages:
        response, seconds = timed(lambda client=client, url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        assert seconds < 2, (url, seconds)
    reads = [
        "/api/v1/reviews/",
        "/api/v1/feed/",
        f"/api/v1/reviews/{review.pk}/",
        f"/api/v1/reviews/{review.pk}/ranking/",
        f"/api/v1/reviews/{review.pk}/comments/",
        "/api/v1/products/",
        f"/api/v1/products/{slug}/reviews/most-helpful/",
        "/api/v1/discover/",
        f"/api/v1/discover/?category={category}",
        "/api/v1/categories/",
        f"/api/v1/categories/{category}/ranking/",
        "/api/v1/brands/",
        "/api/v1/levels/",
        f"/api/v1/users/{author}/",
        f"/api/v1/users/{author}/standing/",
    ]
    for url in reads:
        for client in (Client(), api):  # anonymous, and signed in with a token
            response, seconds = timed(lambda client=client, url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            assert seconds < 2, (url, seconds)
    response, seconds = timed(lambda: api.get("/api/v1/me/"))
    assert response.status_code == 200 and seconds < 2
    vote, seconds = timed(lambda: api.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json"))
    assert vote.status_code == 200 and seconds < 2
    assert HelpfulVote.objects.filter(user=voter, review=review, helpful=True).exists()
    ready = Client().get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok"}
    detail = Client().get("/healthz/detail").json()
    assert detail["status"] == "degraded" and detail["checks"]["cache"].startswith("error")


@pytest.mark.django_db
def test_with_redis_stopped_an_invitation_is_kept_answers_fast_and_its_email_is_sent_later_once(
    redis_backed,
    member,  # noqa: F811 - the brands fixtures imported above
    campaign,  # noqa: F811
    testers,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from brands import policy as brand_policy
    from brands import tasks
    from brands.models import Invitation, InvitationEmail

    monkeypatch.setattr(brand_policy, "EMAIL_RETRY_AFTER", timedelta(0))  # the drain may take it at once
    redis_backed.stop()
    client = client_for(member)
    response, seconds = timed(
        lambda: committed(
            django_capture_on_commit_callbacks,
            lambda: client.post(
                f"/api/v1/brand/campaigns/{campaign.pk}/invitations/",
                {"testers": [testers[0].username]},
                format="json",
            ),
        )
    )
    assert seconds < 2, seconds
    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get(campaign=campaign, tester=testers[0])
    # The email task could not be enqueued: the email waits in the outbox, written with the
    # invitation, instead of being lost.
    assert mail.outbox == []
    email = InvitationEmail.objects.get(invitation=invitation)
    assert (email.template, email.status, email.attempts) == ("invitation", "pending", 0)

    redis_backed.start()
    assert tasks.send_pending_emails.apply().get() == 1  # what beat runs every minute
    # A second drain, and the original task delivered late: nothing goes out twice.
    assert tasks.send_pending_emails.apply().get() == 0
    assert tasks.send_invitation_email.apply(args=[invitation.pk]).get() is False
    assert [m.to for m in mail.outbox] == [[testers[0].email]]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1) and email.sent_at is not None


@pytest.mark.django_db
def test_with_redis_hung_pages_pay_one_timeout_then_answer_at_uncached_speed(redis_backed, settings):
    """Redis accepts connections but never answers: every cache call would wait for its socket
    timeout (1 s), two or three per page. The first failure opens the breaker (config/cache.py)."""
    from django.core.cache import cache

    # Long enough that the breaker stays open through the ten requests below on a loaded CI
    # machine (a retry would wait for one more socket timeout).
    settings.CACHE_RETRY_SECONDS = 4
    review = ReviewFactory()
    browser = Client()
    browser.force_login(UserFactory())
    urls = ["/", f"/r/{review.pk}/", f"/p/{review.product.slug}/", "/rankings/", "/api/v1/discover/"]
    os.kill(redis_backed.process.pid, signal.SIGSTOP)
    try:
        first, seconds = timed(lambda: browser.get("/"))
        assert first.status_code == 200 and seconds < 2, seconds  # one timeout, not one per call
        started = time.monotonic()
        for url in urls:
            assert browser.get(url).status_code == 200, url
            assert Client().get(url).status_code == 200, url
        # Ten requests without a timeout each (that would take 10 s and more), with room for a
        # loaded machine.
        assert time.monotonic() - started < 2.5, time.monotonic() - started
    finally:
        os.kill(redis_backed.process.pid, signal.SIGCONT)
    time.sleep(settings.CACHE_RETRY_SECONDS + 0.1)  # the breaker closes after CACHE_RETRY_SECONDS: Redis is used again
    cache.set("back", "yes")
    assert cache.get("back") == "yes"


@pytest.mark.django_db
def test_with_redis_hung_an_invitation_batch_answers_fast_and_its_emails_wait(
    redis_backed,
    member,  # noqa: F811 - the brands fixtures imported above
    campaign,  # noqa: F811
    testers,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    """Redis accepts connections but never answers (SIGSTOP: like a failover or a half-open
    connection). Without timeouts the publish after commit would wait forever."""
    from brands import policy as brand_policy
    from brands import tasks
    from brands.models import InvitationEmail

    monkeypatch.setattr(brand_policy, "EMAIL_RETRY_AFTER", timedelta(0))
    os.kill(redis_backed.process.pid, signal.SIGSTOP)
    try:
        response, seconds = timed(
            lambda: committed(
                django_capture_on_commit_callbacks,
                lambda: client_for(member).post(
                    f"/api/v1/brand/campaigns/{campaign.pk}/invitations/",
                    {"testers": [t.username for t in testers]},
                    format="json",
                ),
            )
        )
        assert seconds < 2, seconds
        assert response.status_code == 201, response.content
        assert InvitationEmail.objects.filter(status="pending").count() == 3
    finally:
        os.kill(redis_backed.process.pid, signal.SIGCONT)
    assert tasks.send_pending_emails.apply().get() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(t.email for t in testers)


# --- PostgreSQL restart ----------------------------------------------------------------------


def _as_postgres(*args: str, **kwargs) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], check=True, capture_output=True, text=True, timeout=60, **kwargs)  # noqa: S603


@pytest.fixture
def private_postgres():
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"needs PostgreSQL binaries in {PG_BIN}")
    folder = Path(tempfile.mkdtemp(prefix="candor-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def ctl(action: str) -> None:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", action)

    ctl("start")
    try:
        yield port, ctl
    finally:
        subprocess.run(  # noqa: S603
            [
                *(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_after_a_postgresql_restart_the_next_request_reconnects(private_postgres, django_db_blocker):
    """The production connection settings (persistent, health-checked) on a private cluster:
    the connection from before the restart is dead; at the next request start Django checks it,
    drops it and reconnects, so the app recovers without a restart."""
    from django.conf import settings as django_settings
    from django.db import connections

    port, ctl = private_postgres
    production = django_settings.DATABASES["default"]
    assert production.get("CONN_HEALTH_CHECKS") or production["ENGINE"].endswith("sqlite3")
    alias = "restart_probe"
    connections.settings[alias] = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {},
        "OPTIONS": {},
    }
    try:
        db = connections[alias]

        def request() -> int:
            # What close_old_connections does for each connection when a request starts.
            db.close_if_unusable_or_obsolete()
            with db.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                return cursor.fetchone()[0]

        # The private cluster, not the test database: pytest-django's guard does not apply.
        with django_db_blocker.unblock():
            before = request()
            assert request() == before  # persistent: the same connection is reused
            ctl("restart")
            after = request()  # no exception: the dead connection was replaced
            assert after != before
            assert request() == after
    finally:
        connections[alias].close()
        del connections.settings[alias]
        if hasattr(connections._connections, alias):
            delattr(connections._connections, alias)
