"""Celery tasks of the tester program: thin, safe to run twice (each email is claimed in the
outbox, each deadline with a conditional update). send_* tasks are routed to the notifications
queue by name; the two that send one email each are defined in brands.emails."""

import logging

from celery import shared_task
from django.utils import timezone

from . import emails, outbox, services
from .models import InvitationEmail

logger = logging.getLogger(__name__)


# The sending tasks sit with the emails, below the services that enqueue them; imported here so
# the worker's task discovery registers them and their names read "brands.tasks.*".
send_invitation_email = emails.send_invitation_email
send_overdue_email = emails.send_overdue_email


def _send_each(due: list[tuple[int, str]]) -> int:
    """Send each email; one failure (it is back in the outbox) does not stop the others."""
    sent = 0
    for invitation_id, template in due:
        try:
            sent += emails.send_pending(invitation_id=invitation_id, template=template)
        except Exception:  # noqa: BLE001 - logged; the drain retries it later
            logger.exception("could not send the %s email of invitation %s", template, invitation_id)
    return sent


@shared_task(name="brands.tasks.send_pending_emails", ignore_result=True)
def send_pending_emails() -> int:
    """Beat, every minute: drain the outbox, i.e. the emails whose task could not be enqueued
    (the broker was down when their change committed) or whose sending failed."""
    return _send_each(outbox.emails_due())


@shared_task(name="brands.tasks.send_review_reminders", ignore_result=True)
def send_review_reminders() -> int:
    """Beat, hourly: remind each tester once, policy.REMINDER_BEFORE before their review is due."""
    now = timezone.now()
    claimed = []
    for invitation_id in services.reminders_due(now=now):
        if services.reminder_claim(invitation_id=invitation_id, now=now) is not None:
            claimed.append((invitation_id, InvitationEmail.Template.REMINDER))
    return _send_each(claimed)


@shared_task(name="brands.tasks.enforce_deadlines", ignore_result=True)
def enforce_deadlines() -> dict:
    """Beat, every 15 minutes: expire unanswered invitations, take long-shipped items as received,
    mark reviews overdue (and apply the overdue demotion rule)."""
    now = timezone.now()
    return {
        "expired": len(services.invitations_expire(now=now)),
        "assumed_received": len(services.invitations_assume_received(now=now)),
        "overdue": len(services.invitations_mark_overdue(now=now)),
    }
