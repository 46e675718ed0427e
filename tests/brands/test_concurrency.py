"""Races a brand and its testers can cause. Only PostgreSQL shows them (skipped on SQLite)."""

import pytest
from django.core.exceptions import ValidationError

from brands import services
from brands.models import Invitation
from tests.factories import make_tester
from tests.reviews.test_concurrency import run_at_once

from .conftest import ADDRESS, invite, new_campaign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_invitation_batches_never_overbook_the_units(member, product, skincare):
    campaign = new_campaign(member, product, units=3)
    testers = [make_tester(category=skincare) for _ in range(8)]
    errors = run_at_once(
        [lambda t=t: services.campaign_invite(actor=member, campaign=campaign, testers=[t]) for t in testers]
    )
    assert Invitation.objects.filter(campaign=campaign).count() == 3
    assert len(errors) == 5 and all(isinstance(e, ValidationError) for e in errors)


def test_accepting_twice_at_once_accepts_once(member, product, skincare):
    campaign = new_campaign(member, product)
    tester = make_tester(category=skincare)
    invitation = invite(member, campaign, tester)
    errors = run_at_once(
        [
            lambda: services.invitation_accept(tester=tester, invitation=invitation, shipping_address=ADDRESS)
            for _ in range(6)
        ]
    )
    assert len(errors) == 5 and all(isinstance(e, services.TransitionRefused) for e in errors)
    assert invitation.events.filter(kind="accepted").count() == 1
