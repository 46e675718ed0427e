"""A verified brand with a member and a product, a rival brand, invited testers of the product's
category, a moderator, and helpers to walk an invitation through its steps."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import MODERATORS_GROUP
from brands import services
from tests.conftest import client_for
from tests.factories import (
    BrandFactory,
    BrandMembershipFactory,
    CategoryFactory,
    ProductFactory,
    UserFactory,
    make_tester,
)

ADDRESS = "Mei Lin, 3-1 Sakura-cho, Shibuya, Tokyo 150-0001"


@pytest.fixture
def skincare(db):
    return CategoryFactory(name="Skincare", slug="skincare")


@pytest.fixture
def snacks(db):
    return CategoryFactory(name="Snacks", slug="snacks")


@pytest.fixture
def brand(db):
    return BrandFactory(name="Dewy Lab", slug="dewy-lab", is_verified=True)


@pytest.fixture
def member(brand):
    return BrandMembershipFactory(brand=brand, user=UserFactory(username="dewy_pm")).user


@pytest.fixture
def product(brand, skincare):
    return ProductFactory(brand=brand, category=skincare, name="Barrier Cream", slug="dewy-lab-barrier-cream")


@pytest.fixture
def rival(db):
    return BrandFactory(name="Kumo", slug="kumo", is_verified=True)


@pytest.fixture
def rival_member(rival):
    return BrandMembershipFactory(brand=rival, user=UserFactory(username="kumo_pm")).user


@pytest.fixture
def rival_product(rival, skincare):
    return ProductFactory(brand=rival, category=skincare, name="Airy Sunscreen", slug="kumo-airy-sunscreen")


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


@pytest.fixture
def testers(skincare):
    """Three invited testers in skincare, best first by category reputation."""
    return [
        make_tester(category=skincare, reputation=90.0, username="mei"),
        make_tester(category=skincare, reputation=60.0, username="haruto"),
        make_tester(category=skincare, reputation=30.0, username="sofia"),
    ]


def new_campaign(member, product, *, units=3, min_level=1, review_days=14, now=None, **kwargs):
    now = now or timezone.now()
    return services.campaign_create(
        member=member,
        product=product,
        title=kwargs.pop("title", "Winter barrier test"),
        units=units,
        min_level=min_level,
        invite_opens_at=kwargs.pop("invite_opens_at", now - timedelta(minutes=1)),
        invite_closes_at=kwargs.pop("invite_closes_at", now + timedelta(days=7)),
        review_days=review_days,
        now=now,
        **kwargs,
    )


@pytest.fixture
def campaign(member, product):
    return new_campaign(member, product)


def invite(member, campaign, tester):
    return services.campaign_invite(actor=member, campaign=campaign, testers=[tester])[0]


def walk_to_received(member, campaign, tester, *, now=None):
    """Invite, accept, ship and receive: the review is then due campaign.review_days later."""
    invitation = invite(member, campaign, tester)
    services.invitation_accept(tester=tester, invitation=invitation, shipping_address=ADDRESS)
    services.invitation_ship(member=member, invitation=invitation, tracking="JP123")
    return services.invitation_receive(tester=tester, invitation=invitation, now=now)


@pytest.fixture
def member_api(member):
    return client_for(member)


@pytest.fixture
def rival_api(rival_member):
    return client_for(rival_member)
