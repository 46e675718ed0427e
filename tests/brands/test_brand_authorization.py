"""Authorization matrix: every brand endpoint (brands/api/urls.py) and every brand web page
(brands/urls.py) for the owner and a member of brand A, a person holding A's pending membership
invitation, the owner of rival brand B, a consumer, a moderator and an anonymous visitor.

"other" acts on their own brand where the endpoint is scoped to the caller's brand (listing,
inviting to B): that succeeds and touches nothing of A. Whatever is refused leaves A's members and
A's pending invitation as they were. Two tests below fail when an endpoint is added to either
urls.py without a row here."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import MODERATORS_GROUP
from brands import services
from brands.models import MembershipInvitation
from reviews.models import BrandMembership
from tests.conftest import client_for, shared_rows
from tests.factories import (
    BrandFactory,
    BrandMembershipFactory,
    CategoryFactory,
    ProductFactory,
    UserFactory,
    make_tester,
)

from .conftest import ADDRESS, new_campaign

pytestmark = pytest.mark.django_db

ROLES = ("owner", "member", "invited", "other", "consumer", "moderator", "anonymous")


def brand_scoped(ok: int, *, other: int = 404, anonymous: int = 401) -> dict[str, int]:
    """An endpoint of the caller's own brand: A's people succeed; B's owner finds nothing of A's;
    people without a brand are refused."""
    return {
        "owner": ok,
        "member": ok,
        "invited": 403,
        "other": other,
        "consumer": 403,
        "moderator": 403,
        "anonymous": anonymous,
    }


def owners_only(ok: int, *, other: int = 404, anonymous: int = 401) -> dict[str, int]:
    return {**brand_scoped(ok, other=other, anonymous=anonymous), "member": 403}


def anyone_signed_in(ok: int, *, anonymous: int = 401) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, ok), "anonymous": anonymous}


def invitee_only(ok: int, *, anonymous: int = 401) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, 404), "invited": ok, "anonymous": anonymous}


def moderators_only(ok: int, *, anonymous: int = 401) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, 403), "moderator": ok, "anonymous": anonymous}


def campaign_payload(world):
    now = timezone.now()
    return {
        "product": world["product"].slug,
        "title": "Spring test",
        "units": 2,
        "invite_opens_at": (now - timedelta(minutes=1)).isoformat(),
        "invite_closes_at": (now + timedelta(days=5)).isoformat(),
        "review_days": 14,
    }


# (name, method, path, body, expected). Paths take {campaign}, {invitation} (A's shipped-to
# tester invitation), {product}, {member} (A's non-owner member), {slug} (A's), {membership_invitation}
# (the pending one of "invited").
API = [
    ("my brand", "get", "brand/", None, brand_scoped(200, other=200)),
    # Registering: only people who speak for no brand and are not moderators.
    (
        "register brand",
        "post",
        "brand/",
        {"name": "Fresh Start"},
        {
            "owner": 400,
            "member": 400,
            "invited": 201,
            "other": 400,
            "consumer": 201,
            "moderator": 403,
            "anonymous": 401,
        },
    ),
    ("list members", "get", "brand/members/", None, brand_scoped(200, other=200)),
    # Inviting: owners only; B's owner invites to B.
    ("invite member", "post", "brand/members/", {"username": "newbie"}, owners_only(201, other=201)),
    ("make owner", "patch", "brand/members/{member}/", {"is_owner": True}, owners_only(200)),
    ("remove member", "delete", "brand/members/{member}/", None, owners_only(204)),
    # Leaving: A's only owner stays while A has another member; B's owner, alone, may leave B.
    (
        "leave",
        "delete",
        "brand/membership/",
        None,
        {**brand_scoped(204, other=204), "owner": 400},
    ),
    ("list sent invitations", "get", "brand/member-invitations/", None, brand_scoped(200, other=200)),
    (
        "withdraw invitation",
        "post",
        "brand/member-invitations/{membership_invitation}/withdraw/",
        None,
        owners_only(200),
    ),
    ("brand record", "get", "brand/events/", None, brand_scoped(200, other=200)),
    ("list products", "get", "brand/products/", None, brand_scoped(200, other=200)),
    (
        "add product",
        "post",
        "brand/products/",
        {"name": "Rice Toner", "category": "skincare"},
        brand_scoped(201, other=201),
    ),
    ("read product", "get", "brand/products/{product}/", None, brand_scoped(200)),
    ("edit product", "patch", "brand/products/{product}/", {"description": "Oat."}, brand_scoped(200)),
    ("list campaigns", "get", "brand/campaigns/", None, brand_scoped(200, other=200)),
    # B's owner naming A's product: refused by name.
    ("create campaign", "post", "brand/campaigns/", "campaign", brand_scoped(201, other=400)),
    ("read campaign", "get", "brand/campaigns/{campaign}/", None, brand_scoped(200)),
    ("close campaign", "post", "brand/campaigns/{campaign}/close/", None, brand_scoped(200)),
    ("candidates", "get", "brand/campaigns/{campaign}/candidates/", None, brand_scoped(200)),
    ("campaign invitations", "get", "brand/campaigns/{campaign}/invitations/", None, brand_scoped(200)),
    (
        "invite testers",
        "post",
        "brand/campaigns/{campaign}/invitations/",
        {"testers": ["haruto"]},
        brand_scoped(201),
    ),
    ("auto-invite", "post", "brand/campaigns/{campaign}/auto-invite/", {"count": 1}, brand_scoped(201)),
    ("dashboard", "get", "brand/campaigns/{campaign}/dashboard/", None, brand_scoped(200)),
    ("campaign record", "get", "brand/campaigns/{campaign}/events/", None, brand_scoped(200)),
    ("export", "get", "brand/campaigns/{campaign}/export/", None, brand_scoped(200)),
    ("ship", "post", "brand/invitations/{invitation}/ship/", {"tracking": "JP1"}, brand_scoped(200)),
    ("verify brand", "post", "brands/{slug}/verification/", {"verified": False}, moderators_only(200)),
    ("my brand invitations", "get", "brand-invitations/", None, anyone_signed_in(200)),
    ("join brand", "post", "brand-invitations/{membership_invitation}/accept/", None, invitee_only(200)),
    ("decline brand", "post", "brand-invitations/{membership_invitation}/decline/", None, invitee_only(200)),
    # The tester's own endpoints: nobody here is the tester, so nobody finds the invitation.
    ("my tester invitations", "get", "tester/invitations/", None, anyone_signed_in(200)),
    ("read tester invitation", "get", "tester/invitations/{invitation}/", None, invitee_only(404)),
    (
        "accept tester invitation",
        "post",
        "tester/invitations/{invitation}/accept/",
        {"shipping_address": ADDRESS},
        invitee_only(404),
    ),
    ("decline tester invitation", "post", "tester/invitations/{invitation}/decline/", None, invitee_only(404)),
    ("mark received", "post", "tester/invitations/{invitation}/received/", None, invitee_only(404)),
    ("link review", "post", "tester/invitations/{invitation}/link-review/", {"review": 1}, invitee_only(404)),
]

LOGIN = 302  # web pages send anonymous visitors to log in


def web_scoped(ok: int, *, other: int = 404) -> dict[str, int]:
    return brand_scoped(ok, other=other, anonymous=LOGIN)


def web_owners(ok: int, *, other: int = 404) -> dict[str, int]:
    return owners_only(ok, other=other, anonymous=LOGIN)


WEB = [
    # Members see their dashboard; everyone else the registration page.
    ("dashboard page", "get", "/brand/", None, anyone_signed_in(200, anonymous=LOGIN)),
    (
        "register on the web",
        "post",
        "/brand/",
        {"name": "Fresh Start"},
        # Members post the (incomplete) product form there.
        {
            "owner": 400,
            "member": 400,
            "invited": 302,
            "other": 400,
            "consumer": 302,
            "moderator": 403,
            "anonymous": LOGIN,
        },
    ),
    ("new campaign page", "get", "/brand/campaigns/new/", None, web_scoped(200, other=200)),
    ("campaign page", "get", "/brand/campaigns/{campaign}/", None, web_scoped(200)),
    ("invite testers page", "post", "/brand/campaigns/{campaign}/invite/", {"testers": ["haruto"]}, web_scoped(302)),
    ("auto-invite page", "post", "/brand/campaigns/{campaign}/auto-invite/", {"count": "1"}, web_scoped(302)),
    ("close page", "post", "/brand/campaigns/{campaign}/close/", None, web_scoped(302)),
    ("export page", "get", "/brand/campaigns/{campaign}/export.csv", None, web_scoped(200)),
    ("ship page", "post", "/brand/invitations/{invitation}/ship/", {"tracking": "JP1"}, web_scoped(302)),
    ("invite member page", "post", "/brand/members/invite/", {"username": "newbie"}, web_owners(302, other=302)),
    ("remove member page", "post", "/brand/members/{member}/remove/", None, web_owners(302)),
    ("make owner page", "post", "/brand/members/{member}/owner/", {"is_owner": "1"}, web_owners(302)),
    (
        "withdraw invitation page",
        "post",
        "/brand/member-invitations/{membership_invitation}/withdraw/",
        None,
        web_owners(302),
    ),
    ("leave page", "post", "/brand/leave/", None, {**web_scoped(302, other=302), "owner": 400}),
    ("brand invitations page", "get", "/brand-invitations/", None, anyone_signed_in(200, anonymous=LOGIN)),
    (
        "join page",
        "post",
        "/brand-invitations/{membership_invitation}/accept/",
        None,
        invitee_only(302, anonymous=LOGIN),
    ),
    (
        "decline page",
        "post",
        "/brand-invitations/{membership_invitation}/decline/",
        None,
        invitee_only(302, anonymous=LOGIN),
    ),
    ("verification page", "get", "/brand/verification/", None, moderators_only(200, anonymous=LOGIN)),
    (
        "verification decision",
        "post",
        "/brand/verification/{slug}/",
        {"verified": "0"},
        moderators_only(302, anonymous=LOGIN),
    ),
    ("tester page", "get", "/tester/", None, anyone_signed_in(200, anonymous=LOGIN)),
    (
        "tester accept page",
        "post",
        "/tester/invitations/{invitation}/accept/",
        {"shipping_address": ADDRESS},
        invitee_only(404, anonymous=LOGIN),
    ),
    (
        "tester decline page",
        "post",
        "/tester/invitations/{invitation}/decline/",
        None,
        invitee_only(404, anonymous=LOGIN),
    ),
    (
        "tester received page",
        "post",
        "/tester/invitations/{invitation}/received/",
        None,
        invitee_only(404, anonymous=LOGIN),
    ),
    (
        "tester link page",
        "post",
        "/tester/invitations/{invitation}/link/",
        {"review": "1"},
        invitee_only(404, anonymous=LOGIN),
    ),
]


def build_world() -> dict:
    skincare = CategoryFactory(name="Skincare", slug="skincare")
    brand = BrandFactory(name="Dewy Lab", slug="dewy-lab", is_verified=True)
    owner = BrandMembershipFactory(brand=brand, user=UserFactory(username="a_owner"), is_owner=True).user
    member = BrandMembershipFactory(brand=brand, user=UserFactory(username="a_member")).user
    rival = BrandFactory(name="Kumo", slug="kumo", is_verified=True)
    other = BrandMembershipFactory(brand=rival, user=UserFactory(username="b_owner"), is_owner=True).user
    product = ProductFactory(brand=brand, category=skincare, name="Barrier Cream", slug="dewy-lab-barrier-cream")
    moderator = UserFactory(username="mod")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    UserFactory(username="newbie")
    mei = make_tester(category=skincare, reputation=90.0, username="mei")
    make_tester(category=skincare, reputation=60.0, username="haruto")
    make_tester(category=skincare, reputation=30.0, username="sofia")
    campaign = new_campaign(member, product, units=5)
    invitation = services.campaign_invite(actor=member, campaign=campaign, testers=[mei])[0]
    services.invitation_accept(tester=mei, invitation=invitation, shipping_address=ADDRESS)
    invited = UserFactory(username="invited")
    membership_invitation = services.brand_member_invite(actor=owner, username="invited")
    return {
        "brand": brand,
        "product": product,
        "campaign": campaign,
        "invitation": invitation,
        "membership_invitation": membership_invitation,
        "people": {
            "owner": owner,
            "member": member,
            "invited": invited,
            "other": other,
            "consumer": UserFactory(username="consumer"),
            "moderator": moderator,
        },
    }


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """Built once for the module's ~430 cases; each case runs in a savepoint (tests/conftest.py)."""
    with shared_rows(django_db_blocker) as build:
        yield build(build_world)


@pytest.fixture
def world(module_world, db):
    return module_world


def fill(path: str, world) -> str:
    return path.format(
        campaign=world["campaign"].pk,
        invitation=world["invitation"].pk,
        product=world["product"].slug,
        member="a_member",
        slug=world["brand"].slug,
        membership_invitation=world["membership_invitation"].pk,
    )


def a_state(world) -> tuple:
    """What a refused request must not change: A's members and owners, and the pending invitation."""
    members = sorted(BrandMembership.objects.filter(brand=world["brand"]).values_list("user__username", "is_owner"))
    pending = MembershipInvitation.objects.get(pk=world["membership_invitation"].pk).status
    return members, pending


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "expected"), API, ids=[c[0] for c in API])
def test_api_endpoint_permissions(world, role, name, method, path, body, expected):
    client = APIClient() if role == "anonymous" else client_for(world["people"][role])
    before = a_state(world)
    data = campaign_payload(world) if body == "campaign" else body
    response = getattr(client, method)("/api/v1/" + fill(path, world), data, format="json")
    assert response.status_code == expected[role], getattr(response, "data", response.content)
    if expected[role] >= 400:
        assert a_state(world) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "expected"), WEB, ids=[c[0] for c in WEB])
def test_web_page_permissions(world, role, name, method, path, body, expected):
    client = Client()
    if role != "anonymous":
        client.force_login(world["people"][role])
    before = a_state(world)
    response = getattr(client, method)(fill(path, world), body or {})
    assert response.status_code == expected[role], response.content[:500]
    if response.status_code == LOGIN and role == "anonymous":
        assert "/login/" in response["Location"]
    if expected[role] >= 400 or role == "anonymous":
        assert a_state(world) == before


def _routes(patterns, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def _covered(cases, prefix: str) -> set[str]:
    """Each case's path with its placeholders as the url converters write them."""
    names = {
        "{campaign}": "<brands_id:pk>",
        "{invitation}": "<brands_id:pk>",
        "{membership_invitation}": "<brands_id:pk>",
        "{product}": "<slug:slug>",
        "{slug}": "<slug:slug>",
        "{member}": "<str:username>",
    }
    covered = set()
    for case in cases:
        path = case[2]
        for placeholder, converter in names.items():
            path = path.replace(placeholder, converter)
        covered.add(prefix + path.lstrip("/"))
    return covered


def test_every_brand_api_endpoint_is_in_the_matrix():
    from brands.api import urls

    routes = {"api/v1/" + str(p.pattern) for p in urls.urlpatterns}
    assert routes <= _covered(API, "api/v1/")


def test_every_brand_web_page_is_in_the_matrix():
    from brands import urls

    routes = {str(p.pattern) for p in urls.urlpatterns}
    assert routes <= _covered(WEB, "")
    # And they are mounted where the matrix calls them.
    mounted = {path for path, _ in _routes(get_resolver().url_patterns)}
    assert routes <= mounted
