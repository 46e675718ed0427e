"""Issue 25 item 8, the member side: the header leads brand members to their dashboard, and the
"Tester invitations" button shows only to someone who has something to find there."""

import pytest
from django.test import Client

from ranking.models import ReviewerStanding
from tests.brands.conftest import invite, new_campaign
from tests.factories import BrandMembershipFactory, CategoryFactory, ProductFactory, UserFactory, make_tester

pytestmark = pytest.mark.django_db


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def header(page: str) -> str:
    return page[page.index("<header") : page.index("</header>")]


def test_the_header_links_brand_members_to_the_brand_dashboard():
    member = BrandMembershipFactory().user
    assert 'href="/brand/"' in header(web(member).get("/").content.decode())


def test_the_header_has_no_brand_link_for_others():
    assert 'href="/brand/"' not in header(web(UserFactory()).get("/").content.decode())
    assert 'href="/brand/"' not in header(Client().get("/").content.decode())


def test_a_new_member_sees_no_tester_invitations_on_their_profile():
    user = UserFactory()
    page = web(user).get(f"/u/{user.username}/").content.decode()
    assert "Tester invitations" not in page


def test_a_tester_sees_tester_invitations_on_their_own_profile_only():
    tester = make_tester(category=CategoryFactory())
    assert "Tester invitations" in web(tester).get(f"/u/{tester.username}/").content.decode()
    assert "Tester invitations" not in web(UserFactory()).get(f"/u/{tester.username}/").content.decode()


def test_a_former_tester_with_invitations_still_sees_them():
    category = CategoryFactory()
    tester = make_tester(category=category)
    brand_member = BrandMembershipFactory(brand__is_verified=True).user
    product = ProductFactory(brand=brand_member.brand_membership.brand, category=category)
    invite(brand_member, new_campaign(brand_member, product), tester)
    ReviewerStanding.objects.filter(user=tester).update(is_tester=False)
    assert "Tester invitations" in web(tester).get(f"/u/{tester.username}/").content.decode()
