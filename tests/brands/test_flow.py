"""The tester flow through the services: campaign rules, invitations and their refusals, each
step recorded, the review linked and disclosed whatever it says."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from brands import services
from brands.models import DISCLOSURE_DETAIL, DISCLOSURE_TEXT, Campaign, CampaignEvent, Invitation
from reviews import services as review_services
from reviews.models import BrandMembership, Review
from tests.factories import ProductFactory, ReviewFactory, UserFactory, make_tester

from .conftest import ADDRESS, invite, new_campaign, walk_to_received

pytestmark = pytest.mark.django_db


# --- brands and campaigns --------------------------------------------------------------------------


def test_an_unverified_brand_cannot_run_a_campaign_until_a_moderator_verifies_it(member, product, moderator):
    brand = product.brand
    brand.is_verified = False
    brand.save()
    with pytest.raises(PermissionDenied, match="must verify"):
        new_campaign(member, product)
    with pytest.raises(PermissionDenied):
        services.brand_verify(moderator=member, brand=brand)  # a brand member is not a moderator
    services.brand_verify(moderator=moderator, brand=brand, note="Checked the domain")
    campaign = new_campaign(member, product)
    assert campaign.status == Campaign.Status.OPEN
    kinds = list(CampaignEvent.objects.filter(brand=brand).values_list("kind", flat=True))
    assert CampaignEvent.Kind.BRAND_VERIFIED in kinds and CampaignEvent.Kind.CAMPAIGN_CREATED in kinds
    assert Notification.objects.filter(recipient=member, kind=Notification.Kind.MODERATION).exists()


def test_registering_a_brand_makes_an_unverified_brand_and_never_claims_an_existing_one(brand):
    founder = UserFactory()
    new = services.brand_register(user=founder, name="Petal & Co", website="https://petal.example")
    assert (new.is_verified, new.slug) == (False, "petal-co")
    assert BrandMembership.objects.get(user=founder).brand == new
    with pytest.raises(ValidationError) as error:
        services.brand_register(user=UserFactory(), name="dewy lab")
    assert "name" in error.value.message_dict


def test_members_manage_only_their_own_brands_products(member, product, rival_product, skincare):
    created = services.brand_product_create(member=member, category=skincare, name="Rice Toner")
    assert created.brand == product.brand
    services.brand_product_update(member=member, product=product, description="Ceramides and oat.")
    product.refresh_from_db()
    assert product.description == "Ceramides and oat."
    with pytest.raises(PermissionDenied):
        services.brand_product_update(member=member, product=rival_product, description="Worse than ours")
    rival_product.refresh_from_db()
    assert rival_product.description == ""


def test_a_campaign_is_for_one_of_the_members_own_products(member, rival_product):
    with pytest.raises(ValidationError) as error:
        new_campaign(member, rival_product)
    assert "product" in error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"units": 0}, "units"),
        ({"min_level": 11}, "min_level"),
        ({"review_days": 0}, "review_days"),
        ({"invite_closes_at": timezone.now() - timedelta(days=1)}, "invite_closes_at"),
        ({"invite_closes_at": timezone.now() + timedelta(days=400)}, "invite_closes_at"),
    ],
)
def test_bad_campaign_input_names_the_field(member, product, changes, field):
    with pytest.raises(ValidationError) as error:
        new_campaign(member, product, **changes)
    assert field in error.value.message_dict
    assert not Campaign.objects.exists()


def test_wanted_categories_default_to_the_products_own(campaign, product):
    assert list(campaign.categories.all()) == [product.category]


# --- invitations -----------------------------------------------------------------------------------


def test_inviting_notifies_in_app_and_by_email_after_commit(
    member, campaign, testers, django_capture_on_commit_callbacks
):
    mei = testers[0]
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(member, campaign, mei)
    assert invitation.status == Invitation.Status.INVITED
    note = Notification.objects.get(recipient=mei, kind=Notification.Kind.INVITATION)
    assert "Dewy Lab invites you to test Barrier Cream" in note.title
    assert [m.to for m in mail.outbox] == [[mei.email]]
    assert "Barrier Cream" in mail.outbox[0].subject
    assert '"Received free from Dewy Lab through an invited-tester campaign."' in mail.outbox[0].body
    # The email task is safe to run twice: the claim sends it once.
    from brands.tasks import send_invitation_email

    assert send_invitation_email(invitation.pk) is False
    assert len(mail.outbox) == 1


def test_invitations_beyond_the_units_left_are_refused_whole(member, product, testers):
    campaign = new_campaign(member, product, units=2)
    with pytest.raises(ValidationError) as error:
        services.campaign_invite(actor=member, campaign=campaign, testers=testers)
    assert "Only 2 units left" in error.value.message_dict["testers"][0]
    assert not Invitation.objects.exists()
    services.campaign_invite(actor=member, campaign=campaign, testers=testers[:2])
    with pytest.raises(ValidationError, match="Only 0 units left"):
        services.campaign_invite(actor=member, campaign=campaign, testers=testers[2:])


def test_a_declined_invitation_frees_its_unit(member, product, testers):
    campaign = new_campaign(member, product, units=1)
    first = invite(member, campaign, testers[0])
    services.invitation_decline(tester=testers[0], invitation=first)
    assert invite(member, campaign, testers[1]).status == Invitation.Status.INVITED


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda sk, product: UserFactory(), "not an invited tester"),
        (lambda sk, product: make_tester(category=sk, level=2), "below level 4"),
        (
            lambda sk, product: ReviewFactory(product=product, author=make_tester(category=sk)).author,
            "already reviewed this product",
        ),
        (
            lambda sk, product: (
                BrandMembership.objects.create(brand=ProductFactory().brand, user=make_tester(category=sk)).user
            ),
            "speaks for a brand",
        ),
    ],
)
def test_ineligible_reviewers_are_refused_with_the_reason(member, product, skincare, make, reason):
    campaign = new_campaign(member, product, min_level=4)
    person = make(skincare, product)
    with pytest.raises(ValidationError) as error:
        services.campaign_invite(actor=member, campaign=campaign, testers=[person])
    assert reason in error.value.message_dict["testers"][0]


def test_testers_without_reviews_in_the_wanted_categories_are_not_eligible(member, product, snacks):
    snacker = make_tester(category=snacks, username="amara")
    campaign = new_campaign(member, product)
    with pytest.raises(ValidationError, match="no reviews in the wanted categories"):
        invite(member, campaign, snacker)
    snack_campaign = new_campaign(member, product, categories=[snacks], title="Snack lovers")
    assert invite(member, snack_campaign, snacker).status == Invitation.Status.INVITED


def test_invitations_outside_the_window_are_refused(member, product, testers):
    now = timezone.now()
    later = new_campaign(
        member, product, invite_opens_at=now + timedelta(days=1), invite_closes_at=now + timedelta(days=3)
    )
    with pytest.raises(ValidationError) as error:
        invite(member, later, testers[0])
    assert "invite_opens_at" in error.value.message_dict
    campaign = new_campaign(member, product, title="Now")
    with pytest.raises(ValidationError) as error:
        services.campaign_invite(
            actor=member, campaign=campaign, testers=[testers[0]], now=campaign.invite_closes_at + timedelta(seconds=1)
        )
    assert "invite_closes_at" in error.value.message_dict


def test_a_closed_campaign_invites_nobody(member, campaign, testers):
    services.campaign_close(member=member, campaign=campaign)
    with pytest.raises(ValidationError, match="closed"):
        invite(member, campaign, testers[0])
    with pytest.raises(services.TransitionRefused):
        services.campaign_close(member=member, campaign=campaign)


def test_another_brand_cannot_invite_to_or_close_a_campaign(rival_member, campaign, testers):
    with pytest.raises(PermissionDenied):
        invite(rival_member, campaign, testers[0])
    with pytest.raises(PermissionDenied):
        services.campaign_close(member=rival_member, campaign=campaign)


def test_accepting_twice_is_refused_and_so_is_accepting_after_declining(member, campaign, testers):
    mei, haruto = testers[0], testers[1]
    invitation = invite(member, campaign, mei)
    services.invitation_accept(tester=mei, invitation=invitation, shipping_address=ADDRESS)
    with pytest.raises(services.TransitionRefused, match="already accepted"):
        services.invitation_accept(tester=mei, invitation=invitation, shipping_address=ADDRESS)
    other = invite(member, campaign, haruto)
    services.invitation_decline(tester=haruto, invitation=other)
    with pytest.raises(services.TransitionRefused, match="declined"):
        services.invitation_accept(tester=haruto, invitation=other, shipping_address=ADDRESS)


def test_only_the_invited_tester_answers_and_the_address_is_required(member, campaign, testers):
    invitation = invite(member, campaign, testers[0])
    with pytest.raises(PermissionDenied):
        services.invitation_accept(tester=testers[1], invitation=invitation, shipping_address=ADDRESS)
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(tester=testers[0], invitation=invitation, shipping_address="  ")
    assert "shipping_address" in error.value.message_dict


def test_accepting_after_the_window_closed_is_refused(member, campaign, testers):
    invitation = invite(member, campaign, testers[0])
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(
            tester=testers[0],
            invitation=invitation,
            shipping_address=ADDRESS,
            now=campaign.invite_closes_at + timedelta(minutes=1),
        )
    assert "invitation" in error.value.message_dict


def test_steps_must_come_in_order(member, campaign, testers):
    mei = testers[0]
    invitation = invite(member, campaign, mei)
    with pytest.raises(services.TransitionRefused):
        services.invitation_ship(member=member, invitation=invitation)
    services.invitation_accept(tester=mei, invitation=invitation, shipping_address=ADDRESS)
    with pytest.raises(services.TransitionRefused, match="not shipped"):
        services.invitation_receive(tester=mei, invitation=invitation)
    services.invitation_ship(member=member, invitation=invitation)
    received = services.invitation_receive(tester=mei, invitation=invitation)
    with pytest.raises(services.TransitionRefused, match="already marked"):
        services.invitation_receive(tester=mei, invitation=invitation)
    assert received.due_at == received.received_at + timedelta(days=campaign.review_days)
    assert received.shipping_address == ""  # erased once the brand no longer needs it


def test_another_brand_cannot_ship(rival_member, member, campaign, testers):
    invitation = invite(member, campaign, testers[0])
    services.invitation_accept(tester=testers[0], invitation=invitation, shipping_address=ADDRESS)
    with pytest.raises(PermissionDenied):
        services.invitation_ship(member=rival_member, invitation=invitation)


# --- the review ------------------------------------------------------------------------------------


def test_the_testers_review_links_itself_and_carries_the_disclosure(member, campaign, testers, product):
    mei = testers[0]
    walk_to_received(member, campaign, mei)
    review = review_services.review_create(
        author=mei, product=product, rating=2, title="Stung my cheeks", body="Honest: it stung after two days."
    )
    invitation = Invitation.objects.get(tester=mei)
    assert (invitation.status, invitation.review_id) == (Invitation.Status.REVIEWED, review.pk)
    assert review.tester_assignment.disclosure("Dewy Lab") == {
        "kind": "invited_tester",
        "text": DISCLOSURE_TEXT.format(brand="Dewy Lab"),
        "detail": DISCLOSURE_DETAIL.format(brand="Dewy Lab"),
        "campaign": campaign.pk,
        "brand": "Dewy Lab",
    }
    linked = CampaignEvent.objects.get(invitation=invitation, kind=CampaignEvent.Kind.REVIEW_LINKED)
    assert linked.data == {"review": review.pk, "late": False, "automatic": True}


def test_a_review_of_another_product_or_by_someone_else_is_not_linked(member, campaign, testers, product):
    mei = testers[0]
    walk_to_received(member, campaign, mei)
    review_services.review_create(author=mei, product=ProductFactory(), rating=5, title="Other", body="Other product.")
    review_services.review_create(author=testers[1], product=product, rating=5, title="Mine", body="Bought it myself.")
    assert Invitation.objects.get(tester=mei).review_id is None
    assert not Review.objects.filter(tester_assignment__isnull=False).exists()


def test_a_tester_who_already_reviewed_the_product_cannot_accept(member, campaign, testers, product):
    mei = testers[0]
    invitation = invite(member, campaign, mei)
    review_services.review_create(author=mei, product=product, rating=4, title="Bought it", body="Before the box came.")
    with pytest.raises(ValidationError, match="already reviewed"):
        services.invitation_accept(tester=mei, invitation=invitation, shipping_address=ADDRESS)


def test_explicit_linking_checks_author_product_and_date(member, campaign, testers, product):
    mei = testers[0]
    invitation = walk_to_received(member, campaign, mei)
    stranger_review = ReviewFactory(product=product)
    with pytest.raises(ValidationError):
        services.invitation_link_review(invitation=invitation, review=stranger_review, actor=mei)
    # A review that escaped automatic linking (e.g. imported) links explicitly, once.
    Review.objects.bulk_create([Review(author=mei, product=product, rating=5, title="Imported", body="Imported.")])
    review = Review.objects.get(author=mei, product=product)
    linked = services.invitation_link_review(invitation=invitation, review=review, actor=mei)
    assert linked.status == Invitation.Status.REVIEWED
    with pytest.raises(services.TransitionRefused):
        services.invitation_link_review(invitation=invitation, review=review, actor=mei)


def test_deleting_a_linked_review_puts_the_item_back_to_waiting(member, campaign, testers, product):
    mei = testers[0]
    walk_to_received(member, campaign, mei)
    review = review_services.review_create(author=mei, product=product, rating=4, title="Good", body="Good cream.")
    review_services.review_delete(review=review, user=mei)
    invitation = Invitation.objects.get(tester=mei)
    assert (invitation.status, invitation.review_id) == (Invitation.Status.RECEIVED, None)
    assert CampaignEvent.objects.filter(invitation=invitation, kind=CampaignEvent.Kind.REVIEW_UNLINKED).exists()


def test_every_step_is_recorded_in_order(member, campaign, testers, product):
    mei = testers[0]
    walk_to_received(member, campaign, mei)
    review_services.review_create(author=mei, product=product, rating=5, title="Great", body="Great cream.")
    kinds = list(
        CampaignEvent.objects.filter(campaign=campaign).order_by("created_at", "id").values_list("kind", flat=True)
    )
    assert kinds == ["campaign_created", "invited", "accepted", "shipped", "received", "review_linked"]


def test_brand_members_cannot_vote_on_reviews_of_their_own_products(member, product, rival_product):
    review = ReviewFactory(product=product)
    with pytest.raises(PermissionDenied, match="cannot vote"):
        review_services.vote_cast(user=member, review=review, helpful=False)
    review.refresh_from_db()
    assert (review.helpful_count, review.not_helpful_count) == (0, 0)
    # Reviews of other brands' products are votes like anyone's.
    other = ReviewFactory(product=rival_product)
    assert review_services.vote_cast(user=member, review=other, helpful=True).helpful is True
