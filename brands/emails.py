"""The tester program's emails, through Django's email backend (console in development,
locmem in tests, SMTP in production). Plain text, rendered from templates/brands/email/."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Invitation
from .services import email_claim, email_finish, email_retry_later

SUBJECTS = {
    "invitation": "{brand} invites you to test {product} on Candor",
    "reminder": "Your review of {product} is due soon",
    "overdue": "Your review of {product} is overdue",
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
        "demote_count": settings.BRANDS_OVERDUE_DEMOTE_COUNT,
        "window_days": settings.BRANDS_OVERDUE_WINDOW_DAYS,
    }
    subject = SUBJECTS[template].format(brand=campaign.brand.name, product=campaign.product.name)
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
