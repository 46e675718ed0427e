"""The beat jobs: expiry, reminders, items taken as received, overdue reviews and the demotion
rule. Each is safe to run twice."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from brands import policy, selectors, services, tasks
from brands.models import CampaignEvent, Invitation
from config.celery_app import app
from ranking import models as ranking_models
from reviews import services as review_services
from tests.factories import ProductFactory

from .conftest import ADDRESS, invite, new_campaign, walk_to_received

pytestmark = pytest.mark.django_db


def test_the_jobs_are_scheduled_and_routed():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"brands.tasks.enforce_deadlines", "brands.tasks.send_review_reminders"} <= schedule
    route = app.amqp.router.route
    assert route({}, "brands.tasks.send_review_reminders")["queue"].name == "notifications"
    assert route({}, "brands.tasks.send_invitation_email")["queue"].name == "notifications"
    assert route({}, "brands.tasks.enforce_deadlines")["queue"].name == "default"


def test_unanswered_invitations_expire_when_the_window_closes_and_free_their_unit(member, product, testers):
    campaign = new_campaign(member, product, units=1)
    invitation = invite(member, campaign, testers[0])
    assert services.invitations_expire() == []  # window still open
    after = campaign.invite_closes_at + timedelta(minutes=1)
    assert services.invitations_expire(now=after) == [invitation.pk]
    assert services.invitations_expire(now=after) == []  # a second run changes nothing
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED
    assert selectors.funnel(campaign)["units_left"] == 1
    assert CampaignEvent.objects.filter(invitation=invitation, kind="expired", actor=None).count() == 1


def test_one_reminder_before_the_deadline_even_when_the_job_runs_twice(member, campaign, testers):
    mei = testers[0]
    # Received 12 of 14 days ago: due in two days, inside the three-day reminder window.
    invitation = walk_to_received(member, campaign, mei, now=timezone.now() - timedelta(days=12))
    mail.outbox.clear()
    assert tasks.send_review_reminders() == 1
    assert tasks.send_review_reminders() == 0
    assert len(mail.outbox) == 1 and "due soon" in mail.outbox[0].subject
    assert Notification.objects.filter(recipient=mei, title__contains="is due").count() == 1
    invitation.refresh_from_db()
    assert invitation.reminder_sent_at is not None


def test_no_reminder_when_the_deadline_is_far_or_the_review_is_written(member, campaign, testers, product):
    walk_to_received(member, campaign, testers[0])  # due in 14 days
    walk_to_received(member, campaign, testers[1], now=timezone.now() - timedelta(days=12))
    review_services.review_create(author=testers[1], product=product, rating=3, title="Fine", body="Fine.")
    assert services.reminders_due() == []


def test_an_overdue_review_counts_against_completion_and_a_late_review_still_links(
    member, campaign, testers, product, django_capture_on_commit_callbacks
):
    mei = testers[0]
    invitation = walk_to_received(member, campaign, mei, now=timezone.now() - timedelta(days=15))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.enforce_deadlines()
    assert result == {"expired": 0, "assumed_received": 0, "overdue": 1}
    assert tasks.enforce_deadlines()["overdue"] == 0
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OVERDUE
    assert [m.subject for m in mail.outbox] == ["Your review of Barrier Cream is overdue"]
    record = selectors.tester_record(mei)
    assert (record["overdue_open"], record["overdue_recent"], record["completion_rate"]) == (1, 1, 0.0)
    assert selectors.funnel(campaign)["overdue"] == 1

    review_services.review_create(author=mei, product=product, rating=3, title="Late", body="Sorry, late.")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVIEWED and invitation.overdue_at is not None
    assert selectors.tester_record(mei)["completion_rate"] == 0.0  # late is not on time
    assert selectors.funnel(campaign)["overdue"] == 1


def test_two_overdue_reviews_within_the_window_demote_the_tester(member, product, testers, skincare):
    mei = testers[0]
    past = timezone.now() - timedelta(days=20)
    for n in range(2):
        campaign = new_campaign(member, ProductFactory(brand=product.brand, category=skincare), title=f"c{n}")
        walk_to_received(member, campaign, mei, now=past)
        services.invitations_mark_overdue()
        if n == 0:
            assert ranking_models.ReviewerStanding.objects.get(user=mei).is_tester  # one overdue review: a strike
            # Writing it late lifts the block on new invitations, but the strike stays.
            review_services.review_create(author=mei, product=campaign.product, rating=2, title="Late", body="Late.")
    standing = ranking_models.ReviewerStanding.objects.get(user=mei)
    assert standing.is_tester is False
    event = ranking_models.TesterEvent.objects.get(user=mei, kind=ranking_models.TesterEvent.Kind.DEMOTED)
    assert event.reason == ranking_models.TesterEvent.Reason.OVERDUE_INVITES
    assert event.figures["overdue_items"] == 2
    assert CampaignEvent.objects.filter(kind=CampaignEvent.Kind.TESTER_DEMOTED, invitation__tester=mei).count() == 1
    assert Notification.objects.filter(recipient=mei, kind=Notification.Kind.DEMOTION).exists()
    # Not eligible for new campaigns either, whatever the nightly ranking decides.
    fresh = new_campaign(member, product, title="fresh")
    reasons = selectors.assess(fresh, user_ids=[mei.pk])[0].reasons
    assert "not an invited tester" in reasons and "2 reviews overdue in 90 days" in reasons


def test_overdue_items_older_than_the_window_are_forgiven(member, product, testers, skincare):
    mei = testers[0]
    old = timezone.now() - timedelta(days=policy.OVERDUE_WINDOW_DAYS + 30)
    campaign = new_campaign(member, ProductFactory(brand=product.brand, category=skincare), title="old")
    walk_to_received(member, campaign, mei, now=old)
    services.invitations_mark_overdue(now=old + timedelta(days=15))
    review_services.review_create(author=mei, product=campaign.product, rating=4, title="Late", body="Late one.")
    record = selectors.tester_record(mei)
    assert (record["overdue_recent"], record["due_recent"]) == (0, 0)


def test_a_shipped_item_never_confirmed_is_taken_as_received(member, campaign, testers):
    mei = testers[0]
    invitation = invite(member, campaign, mei)
    services.invitation_accept(tester=mei, invitation=invitation, shipping_address=ADDRESS)
    services.invitation_ship(member=member, invitation=invitation)
    later = timezone.now() + timedelta(days=policy.ASSUME_RECEIVED_DAYS + 1)
    assert services.invitations_assume_received(now=later) == [invitation.pk]
    assert services.invitations_assume_received(now=later) == []
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.RECEIVED and invitation.shipping_address == ""
    assert invitation.due_at == invitation.received_at + timedelta(days=campaign.review_days)
