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
    reached, the failure is logged with the task and its arguments and the request carries on:
    the write is kept and the user is not shown an error for a side effect (an e-mail) that the
    in-app notification, written in the same transaction, already covers.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
        except Exception:  # noqa: BLE001 - any broker failure: keep the write, log the task
            logger.error("could not enqueue %s%r: the broker is unavailable", task.name, args, exc_info=True)

    transaction.on_commit(send)
