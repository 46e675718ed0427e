"""The tester program's email outbox: one InvitationEmail row per email to send, written in the
transaction of the change it tells about (brands.services), claimed by one sender at a time
(brands.emails.send_pending) and drained by beat (brands.tasks.send_pending_emails).

Below the services, the emails and the tasks, which all use it: it imports none of them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F
from django.utils import timezone

from . import policy
from .models import InvitationEmail


def emails_due(*, now: datetime | None = None, batch: int = 200) -> list[tuple[int, str]]:
    """(invitation id, template) of the pending emails the drain should send now, oldest first."""
    now = now or timezone.now()
    return list(
        InvitationEmail.objects.filter(status=InvitationEmail.Status.PENDING, retry_at__lte=now)
        .order_by("retry_at", "id")
        .values_list("invitation_id", "template")[:batch]
    )


def email_claim(*, invitation_id: int, template: str) -> InvitationEmail | None:
    """Claim a pending email (pending -> sending, a conditional update) so that no two senders
    send it. None when it is not pending (sent, being sent, or never asked for)."""
    claimed = InvitationEmail.objects.filter(
        invitation_id=invitation_id, template=template, status=InvitationEmail.Status.PENDING
    ).update(status=InvitationEmail.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return None
    return InvitationEmail.objects.select_related(
        "invitation__campaign__brand", "invitation__campaign__product", "invitation__tester"
    ).get(invitation_id=invitation_id, template=template)


def email_finish(*, email: InvitationEmail, sent: bool) -> None:
    """Record a claimed email as sent, or as skipped (no address, or no longer applies)."""
    now = timezone.now()
    InvitationEmail.objects.filter(pk=email.pk, status=InvitationEmail.Status.SENDING).update(
        status=InvitationEmail.Status.SENT if sent else InvitationEmail.Status.SKIPPED,
        sent_at=now if sent else None,
    )


def email_retry_later(*, email: InvitationEmail, error: str) -> None:
    """Sending failed: back to the outbox, retried after policy.EMAIL_RETRY_AFTER doubled per
    attempt, or failed for good after policy.EMAIL_MAX_ATTEMPTS."""
    given_up = email.attempts >= policy.EMAIL_MAX_ATTEMPTS
    InvitationEmail.objects.filter(pk=email.pk, status=InvitationEmail.Status.SENDING).update(
        status=InvitationEmail.Status.FAILED if given_up else InvitationEmail.Status.PENDING,
        retry_at=timezone.now() + policy.EMAIL_RETRY_AFTER * 2 ** max(email.attempts - 1, 0),
        error=error[:300],
    )
