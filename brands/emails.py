"""The tester program's emails, through Django's email backend (console in development,
locmem in tests, SMTP in production). Plain text, rendered from templates/brands/email/."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Invitation
from .services import claim_email

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


def send_once(*, invitation_id: int, field: str, template: str) -> bool:
    """Claim the email, send it; on a sending failure release the claim so a retry sends it."""
    invitation = claim_email(invitation_id=invitation_id, field=field)
    if invitation is None:
        return False
    try:
        return send_invitation_mail(invitation, template)
    except Exception:
        Invitation.objects.filter(pk=invitation_id).update(**{field: None})
        raise
