"""Issue 25 item 8, the brand side: the campaign form (no blank product, the time zone named,
thumb-sized checkboxes), why nobody is proposed, and tables that scroll on phones."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import User
from brands import policy, selectors
from ranking.models import ReviewerStanding
from reviews.models import BrandMembership
from tests.factories import BrandFactory, make_tester

from .conftest import invite, new_campaign

pytestmark = pytest.mark.django_db


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_campaign_form_has_no_blank_product_choice(member, product):
    page = web(member).get("/brand/campaigns/new/").content.decode()
    select = re.search(r'<select name="product".*?</select>', page, re.S).group(0)
    assert "---------" not in select
    assert 'value=""' not in select
    assert f'value="{product.slug}"' in select


def test_the_campaign_form_names_the_time_zone_of_its_times(member, product):
    page = web(member).get("/brand/campaigns/new/").content.decode()
    zone = settings.TIME_ZONE
    assert f"Invitations open ({zone} time)" in page
    assert f"Invitations close ({zone} time)" in page
    assert f"It is now {timezone.localtime():%b %-d}" in page


def test_campaign_checkboxes_are_at_least_24_px():
    css = (Path(settings.BASE_DIR) / "static/brands/brands.css").read_text()
    rule = re.search(r'\.checks input\[type="checkbox"\][^{]*\{([^}]*)\}', css)
    assert rule, "no rule sizes the campaign form's checkboxes"
    for side in ("width", "height"):
        size = re.search(rf"(?<![-\w]){side}:\s*(\d+)px", rule.group(1))
        assert size and int(size.group(1)) >= 24


def test_no_eligible_testers_says_who_was_excluded_and_why(member, product, skincare, testers):
    campaign = new_campaign(member, product, units=10, min_level=3)
    mei, haruto, _sofia = testers
    invite(member, campaign, mei)
    # A brand member, a reviewer who is no invited tester, a low-level tester and a suspended one.
    BrandMembership.objects.create(brand=BrandFactory(), user=haruto)
    ReviewerStanding.objects.filter(user=make_tester(category=skincare, username="plain")).update(is_tester=False)
    make_tester(category=skincare, level=2, username="junior")
    make_tester(category=skincare, username="away")
    User.objects.filter(username__in=["sofia", "away"]).update(suspended_until=timezone.now() + timedelta(days=1))

    assert selectors.campaign_candidates(campaign) == []
    why = selectors.campaign_exclusions(campaign)
    assert why.total == 6
    assert dict(why.reasons) == {
        "suspended or inactive": 2,
        "brand members": 1,
        "already invited": 1,
        "below the tester bar": 1,
        "below level 3": 1,
    }
    assert str(why).startswith("6 reviewers excluded: 2 suspended or inactive, ")

    page = web(member).get(f"/brand/campaigns/{campaign.pk}/").content.decode()
    assert "No eligible testers right now" in page
    assert "6 reviewers excluded: 2 suspended or inactive" in page
    assert "1 below level 3" in page


def test_auto_invite_with_nobody_eligible_says_why(member, member_api, product, testers):
    campaign = new_campaign(member, product, units=5)
    for tester in testers:
        invite(member, campaign, tester)
    response = member_api.post(f"/api/v1/brand/campaigns/{campaign.pk}/auto-invite/", {}, format="json")
    assert response.status_code == 400
    assert "3 reviewers excluded: 3 already invited." in response.json()["count"][0]


def test_exclusions_count_busy_testers(member, product, skincare):
    busy = make_tester(category=skincare, username="busy")
    for _ in range(policy.MAX_OPEN_ITEMS_PER_TESTER):
        other = new_campaign(member, product)
        invite(member, other, busy)
    campaign = new_campaign(member, product)
    assert selectors.campaign_candidates(campaign) == []
    label = f"holding {policy.MAX_OPEN_ITEMS_PER_TESTER} open items"
    assert dict(selectors.campaign_exclusions(campaign).reasons) == {label: 1}


def test_every_brand_table_scrolls_sideways_on_phones(member, campaign, testers):
    invite(member, campaign, testers[0])
    client = web(member)
    for url in ("/brand/", f"/brand/campaigns/{campaign.pk}/"):
        page = client.get(url).content.decode()
        tables = page.count("<table")
        assert tables and page.count('<div class="table-wrap') >= tables, url
    # The site-wide stylesheet scrolls any wrapped table, and a grid cell may shrink below
    # its table's width instead of pushing the page wider than the phone.
    css = (Path(settings.BASE_DIR) / "static/css/candor.css").read_text()
    wrap = re.search(r"\.table-wrap\s*\{([^}]*)\}", css)
    assert wrap and "overflow-x: auto" in wrap.group(1) and "max-width: 100%" in wrap.group(1)
