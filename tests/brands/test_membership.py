"""Brand membership by invitation and consent: an owner invites, the person accepts or declines,
members leave, owners remove; moderators never join; one brand per person; every change on the
brand's record; members are never testers for, nor voters on, their brand."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import MODERATORS_GROUP, Notification
from brands import selectors, services
from brands.models import CampaignEvent, Invitation, MembershipInvitation
from reviews import services as review_services
from reviews.models import BrandMembership
from tests.conftest import client_for
from tests.factories import BrandMembershipFactory, ReviewFactory, UserFactory

from .conftest import ADDRESS, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(brand):
    return BrandMembershipFactory(brand=brand, user=UserFactory(username="dewy_owner"), is_owner=True).user


@pytest.fixture
def owner_api(owner):
    return client_for(owner)


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer")


def events(brand, kind):
    return list(CampaignEvent.objects.filter(brand=brand, kind=kind).values_list("data", flat=True))


def members_of(brand):
    return set(BrandMembership.objects.filter(brand=brand).values_list("user__username", flat=True))


def web(user):
    client = Client()
    client.force_login(user)
    return client


# --- the flow ------------------------------------------------------------------------------------


def test_an_invitation_makes_nobody_a_member_until_they_accept(brand, owner, owner_api, newcomer):
    invited = owner_api.post("/api/v1/brand/members/", {"username": "newcomer"}, format="json")
    assert invited.status_code == 201, invited.data
    assert invited.data["status"] == "pending" and invited.data["invitee"] == "newcomer"
    assert "newcomer" not in members_of(brand)
    notice = Notification.objects.get(recipient=newcomer)
    assert brand.name in notice.title and notice.url == "/brand-invitations/"
    assert events(brand, CampaignEvent.Kind.MEMBER_INVITED) == [{"username": "newcomer"}]

    mine = client_for(newcomer).get("/api/v1/brand-invitations/")
    assert [(i["id"], i["brand"], i["status"]) for i in mine.data] == [(invited.data["id"], brand.slug, "pending")]
    accepted = client_for(newcomer).post(f"/api/v1/brand-invitations/{invited.data['id']}/accept/")
    assert accepted.status_code == 200 and accepted.data["status"] == "accepted"
    assert "newcomer" in members_of(brand)
    assert not BrandMembership.objects.get(user=newcomer).is_owner
    joined = events(brand, CampaignEvent.Kind.MEMBER_JOINED)
    assert joined == [{"username": "newcomer", "invited_by": "dewy_owner", "votes_withdrawn": 0}]
    assert Notification.objects.filter(recipient=owner, title__contains="joined").exists()
    again = client_for(newcomer).post(f"/api/v1/brand-invitations/{invited.data['id']}/accept/")
    assert again.status_code == 409


def test_declining_leaves_the_person_out_and_on_the_record(brand, owner, newcomer):
    invitation = services.brand_member_invite(actor=owner, username="newcomer")
    declined = client_for(newcomer).post(f"/api/v1/brand-invitations/{invitation.pk}/decline/")
    assert declined.status_code == 200 and declined.data["status"] == "declined"
    assert "newcomer" not in members_of(brand)
    assert events(brand, CampaignEvent.Kind.MEMBER_DECLINED) == [{"username": "newcomer"}]
    # A declined invitation cannot be accepted later; the owner may invite again.
    assert client_for(newcomer).post(f"/api/v1/brand-invitations/{invitation.pk}/accept/").status_code == 409
    assert services.brand_member_invite(actor=owner, username="newcomer").status == "pending"


def test_an_owner_withdraws_a_pending_invitation(brand, owner, owner_api, newcomer):
    invitation = services.brand_member_invite(actor=owner, username="newcomer")
    withdrawn = owner_api.post(f"/api/v1/brand/member-invitations/{invitation.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.data["status"] == "withdrawn"
    assert client_for(newcomer).post(f"/api/v1/brand-invitations/{invitation.pk}/accept/").status_code == 409
    assert "newcomer" not in members_of(brand)
    assert events(brand, CampaignEvent.Kind.INVITE_WITHDRAWN) == [{"username": "newcomer"}]


# --- refusals --------------------------------------------------------------------------------------


def test_the_old_direct_add_is_gone_a_member_adds_nobody(brand, owner, member_api, moderator, newcomer):
    """The reported hole: any member of a verified brand made anyone a member, moderators too."""
    for username in ("newcomer", "mod"):
        refused = member_api.post("/api/v1/brand/members/", {"username": username}, format="json")
        assert refused.status_code == 403, refused.data
    assert members_of(brand) == {"dewy_pm", "dewy_owner"}
    assert not MembershipInvitation.objects.exists()


def test_a_moderator_is_never_invited_nor_joins(brand, owner, owner_api, moderator, newcomer):
    refused = owner_api.post("/api/v1/brand/members/", {"username": "mod"}, format="json")
    assert refused.status_code == 400 and "moderator" in refused.data["username"][0]
    # Made a moderator after being invited: the invitation can no longer be accepted.
    invitation = services.brand_member_invite(actor=owner, username="newcomer")
    newcomer.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    newcomer = type(newcomer).objects.get(pk=newcomer.pk)  # is_moderator is cached per instance
    accepted = client_for(newcomer).post(f"/api/v1/brand-invitations/{invitation.pk}/accept/")
    assert accepted.status_code == 400 and "moderator" in accepted.data["invitation"][0]
    assert not BrandMembership.objects.filter(user=newcomer).exists()
    # Nor does a moderator register a brand of their own.
    assert client_for(moderator).post("/api/v1/brand/", {"name": "Mod Cosmetics"}).status_code == 403


def test_someone_speaking_for_a_brand_is_refused_by_name(owner_api, rival_member, member):
    for username in ("kumo_pm", "dewy_pm", "dewy_owner"):
        refused = owner_api.post("/api/v1/brand/members/", {"username": username}, format="json")
        assert refused.status_code == 400 and list(refused.data) == ["username"]
        assert "already speaks for a brand" in refused.data["username"][0]
    assert owner_api.post("/api/v1/brand/members/", {"username": "ghost"}, format="json").data.keys() == {"username"}
    assert owner_api.post("/api/v1/brand/members/", {}, format="json").data.keys() == {"username"}


def test_one_pending_invitation_per_brand_and_person(owner, owner_api, newcomer):
    assert owner_api.post("/api/v1/brand/members/", {"username": "newcomer"}, format="json").status_code == 201
    twice = owner_api.post("/api/v1/brand/members/", {"username": "newcomer"}, format="json")
    assert twice.status_code == 400 and "pending" in twice.data["username"][0]
    assert MembershipInvitation.objects.filter(invitee=newcomer).count() == 1


def test_an_unverified_brand_invites_nobody(brand, owner, owner_api, newcomer):
    brand.is_verified = False
    brand.save()
    assert owner_api.post("/api/v1/brand/members/", {"username": "newcomer"}, format="json").status_code == 403


def test_accepting_while_speaking_for_another_brand_is_refused(brand, owner, rival, newcomer):
    invitation = services.brand_member_invite(actor=owner, username="newcomer")
    BrandMembershipFactory(brand=rival, user=newcomer)  # e.g. added in the admin meanwhile
    accepted = client_for(newcomer).post(f"/api/v1/brand-invitations/{invitation.pk}/accept/")
    assert accepted.status_code == 400 and "already speaks for a brand" in accepted.data["invitation"][0]
    assert members_of(brand) == {"dewy_owner"}


def test_joining_one_brand_withdraws_a_rivals_pending_invitation(brand, owner, rival, newcomer):
    rival_owner = BrandMembershipFactory(brand=rival, user=UserFactory(username="kumo_owner"), is_owner=True).user
    from_rival = services.brand_member_invite(actor=rival_owner, username="newcomer")
    from_us = services.brand_member_invite(actor=owner, username="newcomer")
    services.brand_invitation_accept(user=newcomer, invitation=from_us)
    from_rival.refresh_from_db()
    assert from_rival.status == MembershipInvitation.Status.WITHDRAWN
    late = client_for(newcomer).post(f"/api/v1/brand-invitations/{from_rival.pk}/accept/")
    assert late.status_code == 409
    assert members_of(rival) == {"kumo_owner"}
    assert events(rival, CampaignEvent.Kind.INVITE_WITHDRAWN) == [
        {"username": "newcomer", "reason": "joined another brand"}
    ]


def test_nobody_answers_someone_elses_invitation(owner, newcomer, member_api):
    invitation = services.brand_member_invite(actor=owner, username="newcomer")
    assert member_api.post(f"/api/v1/brand-invitations/{invitation.pk}/accept/").status_code == 404
    assert client_for(UserFactory()).post(f"/api/v1/brand-invitations/{invitation.pk}/decline/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == MembershipInvitation.Status.PENDING


# --- leaving, removing, owners -------------------------------------------------------------------------


def test_a_member_leaves(brand, owner, member, member_api):
    left = member_api.delete("/api/v1/brand/membership/")
    assert left.status_code == 204
    assert members_of(brand) == {"dewy_owner"}
    assert events(brand, CampaignEvent.Kind.MEMBER_LEFT) == [{"username": "dewy_pm"}]
    assert member_api.delete("/api/v1/brand/membership/").status_code == 403


def test_the_last_owner_leaves_last_or_after_making_another_owner(brand, owner, owner_api, member):
    refused = owner_api.delete("/api/v1/brand/membership/")
    assert refused.status_code == 400 and "last owner" in refused.data["username"][0]
    made = owner_api.patch("/api/v1/brand/members/dewy_pm/", {"is_owner": True}, format="json")
    assert made.status_code == 200 and made.data["is_owner"] is True
    assert events(brand, CampaignEvent.Kind.OWNER_CHANGED) == [{"username": "dewy_pm", "is_owner": True}]
    assert owner_api.delete("/api/v1/brand/membership/").status_code == 204
    assert members_of(brand) == {"dewy_pm"}
    # Alone, the last owner may go: the brand then has no members.
    assert client_for(member).delete("/api/v1/brand/membership/").status_code == 204
    assert members_of(brand) == set()


def test_a_brand_keeps_an_owner(owner, owner_api, member):
    refused = owner_api.patch("/api/v1/brand/members/dewy_owner/", {"is_owner": False}, format="json")
    assert refused.status_code == 400 and list(refused.data) == ["is_owner"]
    # A form-encoded body without the field is refused, never read as false.
    blank = owner_api.patch("/api/v1/brand/members/dewy_pm/", {}, format="multipart")
    assert blank.status_code == 415
    assert owner_api.patch("/api/v1/brand/members/dewy_pm/", {}, format="json").data["is_owner"] is False
    bad = owner_api.patch("/api/v1/brand/members/dewy_pm/", {"is_owner": "perhaps"}, format="json")
    assert bad.status_code == 400 and list(bad.data) == ["is_owner"]


def test_an_owner_removes_a_member_who_is_told(brand, owner, owner_api, member):
    removed = owner_api.delete("/api/v1/brand/members/dewy_pm/")
    assert removed.status_code == 204
    assert members_of(brand) == {"dewy_owner"}
    assert events(brand, CampaignEvent.Kind.MEMBER_REMOVED) == [{"username": "dewy_pm"}]
    assert Notification.objects.filter(recipient=member, title__contains="no longer speak for").exists()
    record = owner_api.get("/api/v1/brand/events/")
    assert [(e["kind"], e["actor"], e["data"]) for e in record.data][:1] == [
        ("member_removed", "dewy_owner", {"username": "dewy_pm"})
    ]


def test_a_member_removes_nobody_and_an_owner_only_their_own_brands(brand, owner, owner_api, member, rival_member):
    assert client_for(member).delete("/api/v1/brand/members/dewy_owner/").status_code == 403
    assert owner_api.delete("/api/v1/brand/members/kumo_pm/").status_code == 404
    assert members_of(brand) == {"dewy_pm", "dewy_owner"}
    assert BrandMembership.objects.filter(user=rival_member).exists()


def test_the_registrant_owns_the_brand(db):
    founder = UserFactory(username="founder")
    brand = services.brand_register(user=founder, name="Petal Works")
    assert BrandMembership.objects.get(user=founder, brand=brand).is_owner


def test_the_data_migration_makes_each_brands_earliest_member_its_owner(brand, member, rival, rival_member):
    later = BrandMembershipFactory(brand=brand, user=UserFactory())
    BrandMembership.objects.update(is_owner=False)
    migration = importlib.import_module("reviews.migrations.0009_brand_membership_owner")
    migration.earliest_member_owns(apps, None)
    owners = set(BrandMembership.objects.filter(is_owner=True).values_list("user_id", flat=True))
    assert owners == {member.pk, rival_member.pk} and later.user_id not in owners


# --- members are never testers for, nor voters on, their brand --------------------------------------


def test_joining_withdraws_pending_tester_invitations_and_stops_offers(
    brand, owner, member, campaign, testers, rival_member, rival_product
):
    from .conftest import new_campaign

    mei = testers[0]
    ours = invite(member, campaign, mei)
    theirs = invite(rival_member, new_campaign(rival_member, rival_product), mei)
    joining = services.brand_member_invite(actor=owner, username="mei")
    services.brand_invitation_accept(user=mei, invitation=joining)

    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == (Invitation.Status.WITHDRAWN, Invitation.Status.WITHDRAWN)
    assert selectors.units_left(campaign) == campaign.units
    assert CampaignEvent.objects.filter(invitation=ours, kind=CampaignEvent.Kind.WITHDRAWN).exists()
    # Neither can be accepted now, and the brand is never offered its own member as a tester.
    late = client_for(mei).post(f"/api/v1/tester/invitations/{ours.pk}/accept/", {"shipping_address": ADDRESS})
    assert late.status_code == 409
    assert "mei" not in [c.user.username for c in selectors.campaign_candidates(campaign)]
    refused = client_for(member).post(
        f"/api/v1/brand/campaigns/{campaign.pk}/invitations/", {"testers": ["mei"]}, format="json"
    )
    assert refused.status_code == 400 and "speaks for a brand" in refused.data["testers"][0]


def test_a_tester_of_the_brands_product_reviews_it_before_joining(brand, owner, member, campaign, testers):
    mei = testers[0]
    testing = invite(member, campaign, mei)
    services.invitation_accept(tester=mei, invitation=testing, shipping_address=ADDRESS)
    joining = services.brand_member_invite(actor=owner, username="mei")
    refused = client_for(mei).post(f"/api/v1/brand-invitations/{joining.pk}/accept/")
    assert refused.status_code == 400 and "review it before you join" in refused.data["invitation"][0]
    assert "mei" not in members_of(brand)


def test_a_tester_invitation_is_refused_to_someone_who_joined_meanwhile(member, campaign, testers, rival):
    mei = testers[0]
    pending = invite(member, campaign, mei)
    BrandMembershipFactory(brand=rival, user=mei)  # joined without the withdrawal (the admin, a race)
    with pytest.raises(services.ValidationError):
        services.invitation_accept(tester=mei, invitation=pending, shipping_address=ADDRESS)


def test_a_person_who_joins_no_longer_votes_on_the_brands_reviews(brand, owner, product, newcomer):
    review = ReviewFactory(product=product)
    other_review = ReviewFactory()
    review_services.vote_cast(user=newcomer, review=review, helpful=True)
    review_services.vote_cast(user=newcomer, review=other_review, helpful=True)
    services.brand_invitation_accept(
        user=newcomer, invitation=services.brand_member_invite(actor=owner, username="newcomer")
    )
    review.refresh_from_db()
    # The vote cast before joining is withdrawn; votes elsewhere stay.
    assert (review.helpful_count, review.votes.count()) == (0, 0)
    assert other_review.votes.filter(user=newcomer).exists()
    assert events(brand, CampaignEvent.Kind.MEMBER_JOINED)[0]["votes_withdrawn"] == 1
    voted = client_for(newcomer).put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json")
    assert voted.status_code == 403
    assert review.votes.count() == 0


# --- web pages -----------------------------------------------------------------------------------------


def test_invite_and_answer_on_the_web(brand, owner, member, newcomer):
    home = web(owner).get("/brand/")
    assert home.status_code == 200 and 'action="/brand/members/invite/"' in home.content.decode()
    # A member who is not an owner sees the members but no invite or remove buttons.
    member_home = web(member).get("/brand/").content.decode()
    assert 'action="/brand/members/invite/"' not in member_home and "/remove/" not in member_home
    assert web(owner).post("/brand/members/invite/", {"username": "newcomer"}).status_code == 302
    invitation = MembershipInvitation.objects.get(invitee=newcomer)

    page = web(newcomer).get("/brand-invitations/")
    assert page.status_code == 200 and f'action="/brand-invitations/{invitation.pk}/accept/"' in page.content.decode()
    joined = web(newcomer).post(f"/brand-invitations/{invitation.pk}/accept/")
    assert joined.status_code == 302 and joined["Location"] == "/brand/"
    assert "newcomer" in members_of(brand)
    assert 'data-event="member_joined"' in web(owner).get("/brand/").content.decode()

    assert web(owner).post("/brand/members/newcomer/remove/").status_code == 302
    assert web(member).post("/brand/leave/").status_code == 302
    assert members_of(brand) == {"dewy_owner"}


def test_the_web_refuses_what_the_api_refuses(brand, owner, member, moderator):
    assert web(member).post("/brand/members/invite/", {"username": "mod"}).status_code == 403
    refused = web(owner).post("/brand/members/invite/", {"username": "mod"})
    assert refused.status_code == 400 and "moderator" in refused.content.decode()
    assert web(owner).post("/brand/leave/").status_code == 400
    assert members_of(brand) == {"dewy_pm", "dewy_owner"}
