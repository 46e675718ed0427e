"""Enqueueing Celery tasks from a request without letting a broker outage fail the request."""

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# A short, bounded retry: a broker blip is ridden out, an outage costs the request under a second.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.3}


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send `task(*args)` once the current transaction commits.

    The write that asked for it is already committed by then. If the broker (Redis) cannot be
    reached, the request carries on after a bounded retry (well under a second) and the failure is
    logged: the caller must have recorded the work durably in the same transaction (an outbox row,
    as brands.InvitationEmail) so that a periodic job does it later. Nothing is lost, only delayed.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
        except Exception as exc:  # noqa: BLE001 - any broker failure: keep the write, log the task
            logger.warning("could not enqueue %s%r, left for the periodic job: %s", task.name, args, exc)

    transaction.on_commit(send)
