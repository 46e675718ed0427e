"""Celery tasks of the tester program: thin, safe to run twice (each email and each deadline is
claimed with a conditional update). send_* tasks are routed to the notifications queue by name."""

from celery import shared_task
from django.utils import timezone

from . import emails, services


@shared_task(name="brands.tasks.send_invitation_email", ignore_result=True)
def send_invitation_email(invitation_id: int) -> bool:
    """Email a tester their invitation (enqueued after the invitation commits)."""
    return emails.send_once(invitation_id=invitation_id, field="invite_emailed_at", template="invitation")


@shared_task(name="brands.tasks.send_overdue_email", ignore_result=True)
def send_overdue_email(invitation_id: int) -> bool:
    return emails.send_once(invitation_id=invitation_id, field="overdue_emailed_at", template="overdue")


@shared_task(name="brands.tasks.send_review_reminders", ignore_result=True)
def send_review_reminders() -> int:
    """Beat, hourly: remind each tester once, BRANDS_REMINDER_BEFORE before their review is due."""
    now = timezone.now()
    sent = 0
    for invitation_id in services.reminders_due(now=now):
        invitation = services.reminder_claim(invitation_id=invitation_id, now=now)
        if invitation is not None:
            emails.send_invitation_mail(invitation, "reminder")
            sent += 1
    return sent


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
