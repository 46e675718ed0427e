"""Enqueueing Celery tasks from a request without letting a broker outage fail or stall it."""

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from kombu import pools

logger = logging.getLogger(__name__)

# One quick retry (a stale pooled connection after a broker restart), nothing longer: whatever is
# enqueued here is also recorded in the database, and a periodic job picks up what was not.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Requests publish on their own connections with short timeouts: a Redis that accepts connections
# but never answers (stopped with SIGSTOP, a failover, a half-open connection) costs a request
# about a second, where the workers' connections wait longer (CELERY_BROKER_TRANSPORT_OPTIONS).
REQUEST_BROKER_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

# Monotonic time before which this process takes the broker to be down and does not try it.
_broker_down_until = 0.0
_lock = threading.Lock()


def reset_broker_breaker() -> None:
    """Forget a past broker failure (tests, and nothing else, need this)."""
    global _broker_down_until
    _broker_down_until = 0.0


def _producers():
    from config.celery_app import app

    options = REQUEST_BROKER_OPTIONS if app.conf.broker_url.startswith(("redis://", "rediss://")) else {}
    return pools.producers[app.connection_for_write(transport_options=options)]


def publish_now(task: Any, *args: Any) -> bool:
    """Send `task(*args)` to the broker at once, within about a second. False (logged) when the
    broker cannot take it; then, for BROKER_RETRY_SECONDS, this process does not try again, so a
    batch of a hundred writes does not wait a hundred times."""
    global _broker_down_until
    from config.celery_app import app

    if time.monotonic() < _broker_down_until:
        logger.warning("not enqueueing %s%r: the broker was down moments ago", task.name, args)
        return False
    try:
        if app.conf.task_always_eager:  # tests: the task runs here
            task.apply_async(args=args)
        else:
            with _producers().acquire(block=True, timeout=1) as producer:
                task.apply_async(args=args, producer=producer, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
        return True
    except Exception as exc:  # noqa: BLE001 - any broker failure: keep the write, log the task
        with _lock:
            _broker_down_until = time.monotonic() + settings.BROKER_RETRY_SECONDS
        logger.warning("could not enqueue %s%r, left for the periodic job: %s", task.name, args, exc)
        return False


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send `task(*args)` once the current transaction commits (publish_now).

    The write that asked for it is already committed by then. If the broker (Redis) cannot take
    the task, the request carries on within about a second: the caller must have recorded the
    work durably in the same transaction (an outbox row, as brands.InvitationEmail) so that a
    periodic job does it later. Nothing is lost, only delayed.
    """
    transaction.on_commit(lambda: publish_now(task, *args))
