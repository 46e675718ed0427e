"""Faults with real Celery workers: `celery -A config worker` subprocesses on the test database
(PostgreSQL) with a private Redis as broker and cache, as in production.

- A worker killed (SIGKILL, nothing gets to clean up) midway through a rerank: the previous
  ranking stays, and the next run, on a fresh worker, completes it.
- Two reranks at once in two workers: one runs, the other is skipped.
- Redis down while a brand invites: the invitation answers fast and is kept, its email waits in
  the outbox; Redis back, the periodic drain on a worker sends it, once.

A run is held midway without touching the engine: the test takes a SHARE lock on
ranking_productscore from its own connection. The run writes that table late (after review scores
and standings) and waits there; readers are not blocked by a SHARE lock.
"""

import contextlib
import os
import signal
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection

from ranking import services, tasks
from ranking.models import RerankRun, ReviewScore
from tests.brands.conftest import brand, campaign, member, product, skincare, testers  # noqa: F401, F811
from tests.conftest import client_for
from tests.factories import ProductFactory
from tests.hardening.conftest import WORKER_APPLICATION, wait_for
from tests.ranking.conftest import BASE_WEIGHT, add_votes, make_review, rerank
from tests.ranking.test_job import FULL_ONLY, snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def run_held_at_product_scores():
    """Hold every rerank at its first write of product scores until the block ends."""
    db = connection.settings_dict
    holder = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )
    try:
        holder.execute("LOCK TABLE ranking_productscore IN SHARE MODE")
        yield
    finally:
        holder.rollback()
        holder.close()


def stalled_run_pid() -> int:
    """The database session of a worker's rerank once it waits on the test's lock."""

    def find():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s "
                "AND wait_event_type = 'Lock' AND query ILIKE %s",
                [WORKER_APPLICATION, "%ranking_productscore%"],
            )
            row = cursor.fetchone()
        return row and row[0]

    return wait_for(find, what="a rerank waiting at product scores")


def locks_held(pid: int) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.locktype, COALESCE(c.relname, ''), l.mode FROM pg_locks l "
            "LEFT JOIN pg_class c ON c.oid = l.relation WHERE l.pid = %s AND l.granted",
            [pid],
        )
        return {(kind, f"{relation}:{mode}") for kind, relation, mode in cursor.fetchall()}


def worker_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [WORKER_APPLICATION],
        )
        return cursor.fetchone()[0]


def done_runs() -> int:
    return RerankRun.objects.filter(status=RerankRun.Status.DONE).count()


def test_a_worker_killed_midway_keeps_the_previous_ranking_and_the_next_run_completes_it(workers, private_redis):
    rated = ProductFactory()
    voted, other = make_review(product=rated), make_review(product=rated)
    add_votes(voted, helpful=2)
    rerank(full=True)
    before, runs_before = snapshot(), done_runs()
    add_votes(voted, helpful=3)
    add_votes(other, helpful=2)

    with run_held_at_product_scores():
        doomed = workers("doomed", "ranking", DATABASE_CLIENT_CHECK_SECONDS="1")
        tasks.rerank.delay()
        pid = stalled_run_pid()
        # Midway: the run holds the job's advisory lock and has written review scores.
        held = locks_held(pid)
        assert any(kind == "advisory" for kind, _ in held), held
        assert ("relation", "ranking_reviewscore:RowExclusiveLock") in held, held
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
        # PostgreSQL notices the client is gone (DATABASE_CLIENT_CHECK_SECONDS) and rolls the
        # orphaned session back, without waiting for its statement: the advisory lock is free.
        wait_for(lambda: worker_sessions() == 0, timeout=15, what="the killed worker's session to end")
        assert snapshot() == before
        assert done_runs() == runs_before
        assert not RerankRun.objects.filter(status=RerankRun.Status.FAILED).exists()  # nobody left to record it
        # The dead run's lock row stays (until RANKING_LOCK_TIMEOUT); nobody holds the advisory
        # lock any more, so the next run takes it over at once.
        assert services.lock_holder() is not None

    workers("next", "ranking")
    tasks.rerank.delay()
    wait_for(lambda: done_runs() == runs_before + 1, what="the next run")
    assert ReviewScore.objects.get(pk=voted.pk).helpful_weight == pytest.approx(5 * BASE_WEIGHT)
    assert ReviewScore.objects.get(pk=other.pk).helpful_weight == pytest.approx(2 * BASE_WEIGHT)
    # It did everything the killed run would have: a full recompute finds nothing left to fix.
    assert set(rerank(full=True).changes) <= FULL_ONLY


def test_two_reranks_at_once_in_two_workers_only_one_runs(workers):
    rated = ProductFactory()
    voted = make_review(product=rated)
    rerank(full=True)
    runs_before = done_runs()
    add_votes(voted, helpful=3)

    def outcome(worker, task) -> str:
        return wait_for(lambda: finished(worker, task), what=f"task {task.id} to finish")

    with run_held_at_product_scores():
        workers("first", "ranking")
        tasks.rerank.delay()
        stalled_run_pid()
        second = workers("second", "ranking")
        line = outcome(second, tasks.rerank.delay())
        assert "'skipped': True" in line and "'reason': 'locked'" in line, line
        # As if the first run outlived its lock (RANKING_LOCK_TIMEOUT): PostgreSQL's advisory
        # lock still keeps the next runs out.
        services.lock_release(services.lock_holder())
        line = outcome(second, tasks.rerank.delay())
        assert "'skipped': True" in line and "'reason': 'busy'" in line, line
        assert done_runs() == runs_before

    wait_for(lambda: done_runs() == runs_before + 1, what="the first run to finish")
    assert ReviewScore.objects.get(pk=voted.pk).helpful_weight == pytest.approx(3 * BASE_WEIGHT)


def test_with_redis_down_an_invitation_email_waits_and_a_worker_sends_it_once_redis_is_back(
    workers,
    redis_backed,
    member,  # noqa: F811 - the brands fixtures imported above
    campaign,  # noqa: F811
    testers,  # noqa: F811
    monkeypatch,
):
    from brands import policy as brand_policy
    from brands import tasks as brand_tasks
    from brands.models import InvitationEmail

    monkeypatch.setattr(brand_policy, "EMAIL_RETRY_AFTER", timedelta(0))  # the drain may take it at once
    redis_backed.stop()
    started = time.monotonic()
    response = client_for(member).post(
        f"/api/v1/brand/campaigns/{campaign.pk}/invitations/", {"testers": [testers[0].username]}, format="json"
    )
    assert time.monotonic() - started < 2
    assert response.status_code == 201, response.content
    invitation_id = response.json()[0]["id"]
    email = InvitationEmail.objects.get(invitation_id=invitation_id)
    assert email.status == InvitationEmail.Status.PENDING

    redis_backed.start()
    # The console email backend (local settings) writes each email to the worker's log.
    mailer = workers("mailer", "notifications", DJANGO_SETTINGS_MODULE="config.settings.local")
    drain = brand_tasks.send_pending_emails.delay()  # what beat enqueues every minute
    wait_for(lambda: finished(mailer, drain), what="the drain")
    email.refresh_from_db()
    assert (email.status, email.attempts) == (InvitationEmail.Status.SENT, 1)
    # Delivered late or twice, the email's own task and another drain send nothing more.
    late, again = brand_tasks.send_invitation_email.delay(invitation_id), brand_tasks.send_pending_emails.delay()
    assert wait_for(lambda: finished(mailer, late), what="the late task").endswith(": False")
    assert wait_for(lambda: finished(mailer, again), what="the second drain").endswith(": 0")
    subject = f"Subject: {campaign.brand.name} invites you to test {campaign.product.name} on Candor"
    assert mailer.log.read_text().count(subject) == 1
    assert f"To: {testers[0].email}" in mailer.log.read_text()


def finished(worker, task) -> str | None:
    """The worker's log line for the task once it finished (the result is not stored)."""
    return next((s for s in worker.log.read_text().splitlines() if f"[{task.id}] succeeded" in s), None)
