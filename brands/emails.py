"""The tester program's emails, through Django's email backend (console in development,
locmem in tests, SMTP in production). Plain text, rendered from templates/brands/email/.

The tasks that send one email right after its change commits live here too (below
brands.services, which enqueues them; the periodic jobs, which call the services, are in
brands.tasks). Their names stay "brands.tasks.*": routes and the outbox drain use them."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.services import in_language_of

from . import policy
from .models import Invitation, InvitationEmail
from .outbox import email_claim, email_finish, email_retry_later

SUBJECTS = {
    "invitation": _("{brand} invites you to test {product} on Candor"),
    "reminder": _("Your review of {product} is due soon"),
    "overdue": _("Your review of {product} is overdue"),
}


def send_invitation_mail(invitation: Invitation, template: str) -> bool:
    """Send one email about `invitation`. False when the tester has no email address."""
    tester = invitation.tester
    if not tester.email:
        return False
    campaign = invitation.campaign
    context = {
        "invitation": invitation,
        "campaign": campaign,
        "tester": tester,
        "url": f"{settings.CANDOR_SITE_URL.rstrip('/')}/tester/#invitation-{invitation.pk}",
        "demote_count": policy.OVERDUE_DEMOTE_COUNT,
        "window_days": policy.OVERDUE_WINDOW_DAYS,
    }
    with in_language_of(tester):
        subject = str(SUBJECTS[template]).format(brand=campaign.brand.name, product=campaign.product.name)
        body = render_to_string(f"brands/email/{template}.txt", context)
    send_mail(subject, body, None, [tester.email])
    return True


def send_pending(*, invitation_id: int, template: str) -> bool:
    """Send the invitation's pending `template` email from the outbox, at most once: claim it,
    send it unless it no longer applies, record the outcome. True when an email went out. On a
    sending failure it goes back to the outbox (retried later) and the error is re-raised."""
    email = email_claim(invitation_id=invitation_id, template=template)
    if email is None:
        return False
    try:
        sent = email.still_applies() and send_invitation_mail(email.invitation, template)
    except Exception as exc:
        email_retry_later(email=email, error=f"{type(exc).__name__}: {exc}")
        raise
    email_finish(email=email, sent=sent)
    return sent


@shared_task(name="brands.tasks.send_invitation_email", ignore_result=True)
def send_invitation_email(invitation_id: int) -> bool:
    """Email a tester their invitation (enqueued after the invitation commits)."""
    return send_pending(invitation_id=invitation_id, template=InvitationEmail.Template.INVITATION)


@shared_task(name="brands.tasks.send_overdue_email", ignore_result=True)
def send_overdue_email(invitation_id: int) -> bool:
    return send_pending(invitation_id=invitation_id, template=InvitationEmail.Template.OVERDUE)


# The task that sends each template right after its change commits (brands.services).
SEND_TASKS = {
    InvitationEmail.Template.INVITATION: send_invitation_email,
    InvitationEmail.Template.OVERDUE: send_overdue_email,
}
