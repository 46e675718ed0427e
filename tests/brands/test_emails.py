"""The email outbox: each email is written with the change that calls for it, sent by its task
or, when that never ran (broker down), by the periodic drain; never twice. (With Redis really
stopped: tests/hardening/test_faults.py and test_worker_faults.py.)"""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from brands import outbox, policy, services, tasks
from brands.models import InvitationEmail
from tests.reviews.test_concurrency import run_at_once

from .conftest import ADDRESS, invite, new_campaign

pytestmark = pytest.mark.django_db


def pending(invitation, template="invitation") -> InvitationEmail:
    return InvitationEmail.objects.get(invitation=invitation, template=template)


def test_an_email_whose_task_could_not_be_enqueued_is_sent_by_the_drain_once(
    member, campaign, testers, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_invitation_email, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(member, campaign, testers[0])
    assert "left for the periodic job" in caplog.text
    assert mail.outbox == [] and pending(invitation).status == InvitationEmail.Status.PENDING
    # Its own task gets the first go: the drain leaves it alone for policy.EMAIL_RETRY_AFTER.
    assert outbox.emails_due() == []
    assert tasks.send_pending_emails() == 0
    later = timezone.now() + policy.EMAIL_RETRY_AFTER
    assert outbox.emails_due(now=later) == [(invitation.pk, "invitation")]

    monkeypatch.setattr(policy, "EMAIL_RETRY_AFTER", timedelta(0))
    InvitationEmail.objects.update(retry_at=timezone.now())
    assert tasks.send_pending_emails() == 1
    assert tasks.send_pending_emails() == 0
    assert tasks.send_invitation_email(invitation.pk) is False  # the task, delivered late
    assert [m.to for m in mail.outbox] == [[testers[0].email]]
    email = pending(invitation)
    assert (email.status, email.attempts) == (InvitationEmail.Status.SENT, 1) and email.sent_at


def test_a_failed_send_goes_back_to_the_outbox_with_a_backoff_and_gives_up_eventually(
    member, campaign, testers, monkeypatch
):
    invitation = invite(member, campaign, testers[0])  # no commit: its task never ran

    def smtp_down(*args, **kwargs):
        raise SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("brands.emails.send_mail", smtp_down)
    waits = []
    for _ in range(policy.EMAIL_MAX_ATTEMPTS):
        before = timezone.now()
        with pytest.raises(SMTPServerDisconnected):
            tasks.send_invitation_email(invitation.pk)
        email = pending(invitation)
        waits.append(round((email.retry_at - before) / policy.EMAIL_RETRY_AFTER))
        if email.status == InvitationEmail.Status.PENDING:
            InvitationEmail.objects.filter(pk=email.pk).update(retry_at=timezone.now())
    assert waits[:4] == [1, 2, 4, 8]  # minutes, doubling
    assert email.status == InvitationEmail.Status.FAILED
    assert email.attempts == policy.EMAIL_MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in email.error
    assert outbox.emails_due(now=timezone.now() + timedelta(days=1)) == []
    monkeypatch.undo()
    assert tasks.send_invitation_email(invitation.pk) is False and mail.outbox == []


def test_the_drain_skips_an_email_the_tester_no_longer_needs_and_goes_on_after_a_failure(
    member, campaign, testers, monkeypatch
):
    answered = invite(member, campaign, testers[0])
    services.invitation_accept(tester=testers[0], invitation=answered, shipping_address=ADDRESS)
    no_address = invite(member, campaign, testers[1])
    type(testers[1]).objects.filter(pk=testers[1].pk).update(email="")
    waiting = invite(member, campaign, testers[2])
    InvitationEmail.objects.update(retry_at=timezone.now())
    assert tasks.send_pending_emails() == 1
    assert [m.to for m in mail.outbox] == [[testers[2].email]]
    assert pending(answered).status == InvitationEmail.Status.SKIPPED  # answered in the app already
    assert pending(no_address).status == InvitationEmail.Status.SKIPPED
    assert pending(waiting).status == InvitationEmail.Status.SENT


def test_reminder_and_overdue_emails_go_through_the_outbox(member, product, testers):
    from tests.brands.conftest import walk_to_received

    campaign = new_campaign(member, product)
    invitation = walk_to_received(member, campaign, testers[0], now=timezone.now() - timedelta(days=12))
    mail.outbox.clear()
    assert tasks.send_review_reminders() == 1
    assert pending(invitation, "reminder").status == InvitationEmail.Status.SENT
    services.invitations_mark_overdue(now=timezone.now() + timedelta(days=3))  # no commit: no task
    assert pending(invitation, "overdue").status == InvitationEmail.Status.PENDING
    InvitationEmail.objects.update(retry_at=timezone.now())
    assert tasks.send_pending_emails() == 1
    assert [m.subject for m in mail.outbox] == [
        "Your review of Barrier Cream is due soon",
        "Your review of Barrier Cream is overdue",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_senders_racing_for_one_email_send_it_once(member, campaign, testers):
    invitation = invite(member, campaign, testers[0])  # committed: its task already sent it
    mail.outbox.clear()
    InvitationEmail.objects.update(status=InvitationEmail.Status.PENDING, attempts=0, retry_at=timezone.now())
    errors = run_at_once(
        [lambda: tasks.send_invitation_email(invitation.pk)] * 4 + [lambda: tasks.send_pending_emails()] * 4
    )
    assert errors == []
    assert len(mail.outbox) == 1
    assert pending(invitation).attempts == 1
