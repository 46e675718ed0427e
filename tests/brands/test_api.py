"""The API: the whole flow, bad input as 4xx naming the field, brand A never seeing or changing
brand B's campaigns (every endpoint), brands never touching reviews, the disclosure everywhere."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from brands import services
from brands.models import Campaign, Invitation
from reviews import services as review_services
from reviews.models import Brand
from tests.conftest import client_for
from tests.factories import HelpfulVoteFactory, ReviewFactory, UserFactory

from .conftest import ADDRESS, invite, new_campaign, walk_to_received

pytestmark = pytest.mark.django_db


def campaign_payload(for_product, **changes):
    now = timezone.now()
    payload = {
        "product": for_product.slug,
        "title": "Winter barrier test",
        "units": 3,
        "categories": ["skincare"],
        "min_level": 3,
        "invite_opens_at": (now - timedelta(minutes=1)).isoformat(),
        "invite_closes_at": (now + timedelta(days=10)).isoformat(),
        "review_days": 14,
    }
    payload.update(changes)
    return payload


def test_the_whole_flow_over_the_api(member_api, product, testers):
    created = member_api.post("/api/v1/brand/campaigns/", campaign_payload(product), format="json")
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert created.data["categories"] == ["skincare"] and created.data["funnel"]["units_left"] == 3

    candidates = member_api.get(f"/api/v1/brand/campaigns/{pk}/candidates/")
    assert [c["username"] for c in candidates.data] == ["mei", "haruto", "sofia"]

    invited = member_api.post(f"/api/v1/brand/campaigns/{pk}/invitations/", {"testers": ["mei"]}, format="json")
    assert invited.status_code == 201, invited.data
    invitation_id = invited.data[0]["id"]

    mei = client_for(testers[0])
    mine = mei.get("/api/v1/tester/invitations/")
    assert [i["id"] for i in mine.data["results"]] == [invitation_id]
    accepted = mei.post(f"/api/v1/tester/invitations/{invitation_id}/accept/", {"shipping_address": ADDRESS})
    assert accepted.status_code == 200 and accepted.data["status"] == "accepted"
    twice = mei.post(f"/api/v1/tester/invitations/{invitation_id}/accept/", {"shipping_address": ADDRESS})
    assert twice.status_code == 409 and "already accepted" in twice.data["status"][0]

    listing = member_api.get(f"/api/v1/brand/campaigns/{pk}/invitations/")
    assert listing.data[0]["shipping_address"] == ADDRESS  # only while the brand has to ship
    shipped = member_api.post(f"/api/v1/brand/invitations/{invitation_id}/ship/", {"tracking": "JP123"})
    assert shipped.status_code == 200 and shipped.data["status"] == "shipped"
    assert shipped.data["shipping_address"] is None
    received = mei.post(f"/api/v1/tester/invitations/{invitation_id}/received/")
    assert received.data["status"] == "received" and received.data["due_at"]

    review = mei.post(
        "/api/v1/reviews/",
        {"product": product.pk, "rating": 2, "title": "Too heavy for me", "body": "Honestly too rich in summer."},
        format="json",
    )
    assert review.status_code == 201
    assert review.data["disclosure"] == {
        "kind": "invited_tester",
        "text": "Received free from Dewy Lab through an invited-tester campaign.",
        "detail": (
            "Dewy Lab sent this product to the reviewer at no cost. The review is the reviewer's own: "
            "the brand cannot edit, hide, reorder or reward it."
        ),
        "campaign": pk,
        "brand": "Dewy Lab",
    }
    assert mei.get(f"/api/v1/tester/invitations/{invitation_id}/").data["status"] == "reviewed"

    dashboard = member_api.get(f"/api/v1/brand/campaigns/{pk}/dashboard/")
    assert dashboard.status_code == 200
    funnel = dashboard.data["funnel"]
    assert [funnel[k] for k in ("invited", "accepted", "shipped", "received", "reviewed", "overdue")] == [
        1,
        1,
        1,
        1,
        1,
        0,
    ]
    assert dashboard.data["rating_distribution"]["2"] == 1
    assert [r["id"] for r in dashboard.data["reviews"]] == [review.data["id"]]
    assert dashboard.data["timeline"][-1]["total_reviews"] == 1

    events = member_api.get(f"/api/v1/brand/campaigns/{pk}/events/")
    assert [e["kind"] for e in events.data][::-1] == [
        "campaign_created",
        "invited",
        "accepted",
        "shipped",
        "received",
        "review_linked",
    ]


def test_reviews_without_a_campaign_have_no_disclosure(api_client):
    review = ReviewFactory()
    assert api_client.get(f"/api/v1/reviews/{review.pk}/").data["disclosure"] is None


def test_the_disclosure_shows_in_every_review_list(api_client, member, campaign, testers, product):
    walk_to_received(member, campaign, testers[0])
    review = review_services.review_create(author=testers[0], product=product, rating=5, title="Love", body="Love.")
    for url in (
        "/api/v1/reviews/",
        f"/api/v1/reviews/?product={product.pk}",
        "/api/v1/feed/",
        f"/api/v1/reviews/{review.pk}/",
    ):
        data = api_client.get(url).data
        rows = data["results"] if "results" in data else [data]
        row = next(r for r in rows if r["id"] == review.pk)
        assert row["disclosure"]["text"] == "Received free from Dewy Lab through an invited-tester campaign.", url


def test_review_lists_stay_constant_queries_with_disclosures(api_client, member, product, skincare):
    from tests.factories import make_tester

    def page_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get("/api/v1/reviews/?page_size=50").status_code == 200
        return len(ctx.captured_queries)

    campaign = new_campaign(member, product, units=6)
    first = make_tester(category=skincare)
    walk_to_received(member, campaign, first)
    review_services.review_create(author=first, product=product, rating=4, title="One", body="One.")
    baseline = page_queries()
    for n in range(5):
        tester = make_tester(category=skincare)
        walk_to_received(member, campaign, tester)
        review_services.review_create(author=tester, product=product, rating=n + 1, title=f"R{n}", body="Text.")
        ReviewFactory()
    assert page_queries() == baseline


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"units": 0}, "units"),
        ({"units": "many"}, "units"),
        ({"min_level": 12}, "min_level"),
        ({"review_days": 0}, "review_days"),
        ({"invite_closes_at": "yesterday"}, "invite_closes_at"),
        ({"invite_closes_at": (timezone.now() - timedelta(days=2)).isoformat()}, "invite_closes_at"),
        ({"product": "no-such-product"}, "product"),
        ({"categories": ["no-such-category"]}, "categories"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_campaign_input_is_a_400_naming_the_field(member_api, product, changes, field):
    response = member_api.post("/api/v1/brand/campaigns/", campaign_payload(product, **changes), format="json")
    assert response.status_code == 400
    assert field in response.data
    assert not Campaign.objects.exists()


def test_invitations_beyond_units_to_ineligible_people_or_after_the_window_are_4xx(
    member_api, member, product, testers
):
    campaign = new_campaign(member, product, units=1)
    url = f"/api/v1/brand/campaigns/{campaign.pk}/invitations/"
    beyond = member_api.post(url, {"testers": ["mei", "haruto"]}, format="json")
    assert beyond.status_code == 400 and "Only 1 unit left" in beyond.data["testers"][0]
    stranger = UserFactory(username="stranger")
    ineligible = member_api.post(url, {"testers": [stranger.username]}, format="json")
    assert ineligible.status_code == 400 and "not an invited tester" in ineligible.data["testers"][0]
    nobody = member_api.post(url, {"testers": ["ghost"]}, format="json")
    assert nobody.status_code == 400 and "ghost" in nobody.data["testers"][0]
    empty = member_api.post(url, {"testers": []}, format="json")
    assert empty.status_code == 400 and "testers" in empty.data
    Campaign.objects.filter(pk=campaign.pk).update(invite_closes_at=timezone.now() - timedelta(seconds=1))
    late = member_api.post(url, {"testers": ["mei"]}, format="json")
    assert late.status_code == 400 and "invite_closes_at" in late.data
    assert not Invitation.objects.exists()


def test_an_unverified_brand_gets_a_403_and_a_moderator_verifies_it(member_api, product, moderator):
    brand = product.brand
    brand.is_verified = False
    brand.save()
    refused = member_api.post("/api/v1/brand/campaigns/", campaign_payload(product), format="json")
    assert refused.status_code == 403 and "verify" in refused.data["detail"]
    url = f"/api/v1/brands/{brand.slug}/verification/"
    assert member_api.post(url, {"verified": True}).status_code == 403
    assert client_for(moderator).post(url, {"verified": "maybe"}).data.keys() == {"verified"}
    assert client_for(moderator).post(url, {"verified": True}).data["is_verified"] is True
    assert member_api.post("/api/v1/brand/campaigns/", campaign_payload(product), format="json").status_code == 201


def test_registering_and_growing_a_brand(moderator):
    founder = client_for(UserFactory(username="founder"))
    created = founder.post("/api/v1/brand/", {"name": "Petal & Co"})
    assert created.status_code == 201 and created.data["is_verified"] is False
    assert founder.post("/api/v1/brand/", {"name": "Second"}).status_code == 400
    colleague = UserFactory(username="colleague")
    # Unverified: nobody is invited yet.
    assert founder.post("/api/v1/brand/members/", {"username": "colleague"}).status_code == 403
    services.brand_verify(moderator=moderator, brand=Brand.objects.get(slug="petal-co"))
    invited = founder.post("/api/v1/brand/members/", {"username": "colleague"})
    # An invitation, not a membership: the colleague joins by accepting it.
    assert invited.status_code == 201 and invited.data["status"] == "pending"
    assert founder.get("/api/v1/brand/").data["members"] == ["founder"]
    accepted = client_for(colleague).post(f"/api/v1/brand-invitations/{invited.data['id']}/accept/")
    assert accepted.status_code == 200 and accepted.data["status"] == "accepted"
    assert founder.get("/api/v1/brand/").data["members"] == ["founder", "colleague"]
    assert founder.post("/api/v1/brand/members/", {"username": "nobody"}).data.keys() == {"username"}


def test_brand_products_with_category_ranks_and_editing_only_your_own(member_api, product, rival_product):
    from ranking.models import ProductScore

    ProductScore.objects.create(product=product, category=product.category, category_rank=3, eligible=True)
    listing = member_api.get("/api/v1/brand/products/")
    assert [(p["slug"], p["category_rank"]) for p in listing.data] == [(product.slug, 3)]
    patched = member_api.patch(f"/api/v1/brand/products/{product.slug}/", {"description": "Oat and ceramides."})
    assert patched.status_code == 200 and patched.data["description"] == "Oat and ceramides."
    assert member_api.patch(f"/api/v1/brand/products/{rival_product.slug}/", {"description": "x"}).status_code == 404
    created = member_api.post("/api/v1/brand/products/", {"name": "Rice Toner", "category": "skincare"})
    assert created.status_code == 201 and created.data["category_rank"] is None
    assert member_api.post("/api/v1/brand/products/", {"name": "X", "category": "nope"}).data.keys() == {"category"}


# --- brand A never sees or changes brand B's campaigns ------------------------------------------------


@pytest.fixture
def rivals_campaign(rival_member, rival_product, testers):
    campaign = new_campaign(rival_member, rival_product)
    invitation = invite(rival_member, campaign, testers[1])
    services.invitation_accept(tester=testers[1], invitation=invitation, shipping_address=ADDRESS)
    return campaign, invitation


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/brand/campaigns/{c}/", None),
        ("post", "/api/v1/brand/campaigns/{c}/close/", None),
        ("get", "/api/v1/brand/campaigns/{c}/candidates/", None),
        ("get", "/api/v1/brand/campaigns/{c}/invitations/", None),
        ("post", "/api/v1/brand/campaigns/{c}/invitations/", {"testers": ["mei"]}),
        ("post", "/api/v1/brand/campaigns/{c}/auto-invite/", {}),
        ("get", "/api/v1/brand/campaigns/{c}/dashboard/", None),
        ("get", "/api/v1/brand/campaigns/{c}/events/", None),
        ("get", "/api/v1/brand/campaigns/{c}/export/", None),
        ("post", "/api/v1/brand/invitations/{i}/ship/", {"tracking": "x"}),
        ("get", "/api/v1/brand/products/{p}/", None),
        ("patch", "/api/v1/brand/products/{p}/", {"description": "theirs now"}),
    ],
)
def test_brand_a_gets_404_on_every_brand_b_endpoint(member_api, rivals_campaign, rival_product, method, path, body):
    campaign, invitation = rivals_campaign
    url = path.format(c=campaign.pk, i=invitation.pk, p=rival_product.slug)
    response = (
        getattr(member_api, method)(url, body, format="json") if body is not None else getattr(member_api, method)(url)
    )
    assert response.status_code == 404, (url, response.status_code)
    campaign.refresh_from_db()
    invitation.refresh_from_db()
    rival_product.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert invitation.status == Invitation.Status.ACCEPTED
    assert Invitation.objects.filter(campaign=campaign).count() == 1
    assert rival_product.description == ""


def test_brand_a_lists_only_its_own_campaigns(member_api, campaign, rivals_campaign):
    listing = member_api.get("/api/v1/brand/campaigns/")
    assert [c["id"] for c in listing.data["results"]] == [campaign.pk]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/brand/",
        "/api/v1/brand/campaigns/",
        "/api/v1/brand/products/",
        "/api/v1/brand/campaigns/{c}/",
        "/api/v1/brand/campaigns/{c}/dashboard/",
        "/api/v1/tester/invitations/",
    ],
)
def test_anonymous_is_refused_and_consumers_are_not_brands(path, campaign):
    url = path.format(c=campaign.pk)
    assert APIClient().get(url).status_code in (401, 403)
    if "tester" not in url:
        assert client_for(UserFactory()).get(url).status_code == 403


@pytest.mark.parametrize("step", ["accept", "decline", "received", "link-review"])
def test_nobody_answers_someone_elses_invitation(member, campaign, testers, step):
    invitation = invite(member, campaign, testers[0])
    other = client_for(testers[1])
    response = other.post(
        f"/api/v1/tester/invitations/{invitation.pk}/{step}/", {"shipping_address": ADDRESS, "review": 1}
    )
    assert response.status_code == 404
    assert client_for(testers[1]).get(f"/api/v1/tester/invitations/{invitation.pk}/").status_code == 404


def test_huge_ids_are_404_not_500(member_api):
    assert member_api.get("/api/v1/brand/campaigns/99999999999999999999999/").status_code == 404
    assert member_api.get("/api/v1/brand/campaigns/999999999999999999/").status_code == 404


def test_steps_out_of_order_are_409(member_api, member, campaign, testers):
    invitation = invite(member, campaign, testers[0])
    assert member_api.post(f"/api/v1/brand/invitations/{invitation.pk}/ship/").status_code == 409
    received = client_for(testers[0]).post(f"/api/v1/tester/invitations/{invitation.pk}/received/")
    assert received.status_code == 409 and "status" in received.data


# --- brands never touch reviews -------------------------------------------------------------------------


def test_brands_cannot_edit_delete_hide_or_vote_on_reviews_of_their_products(
    member_api, member, campaign, testers, product
):
    walk_to_received(member, campaign, testers[0])
    review = review_services.review_create(
        author=testers[0], product=product, rating=1, title="Broke me out", body="Three new spots in a week."
    )
    url = f"/api/v1/reviews/{review.pk}/"
    assert member_api.patch(url, {"rating": 5}, format="json").status_code == 403
    assert member_api.put(url, {"rating": 5, "title": "Great", "body": "Great"}, format="json").status_code == 403
    assert member_api.delete(url).status_code == 403
    assert member_api.put(f"{url}vote/", {"helpful": False}, format="json").status_code == 403
    assert member_api.post(f"/api/v1/moderation/reviews/{review.pk}/action/", {"action": "hide"}).status_code == 403
    assert member_api.post(f"/api/v1/moderation/reviews/{review.pk}/feature/", {}).status_code == 403
    review.refresh_from_db()
    assert (review.rating, review.status, review.not_helpful_count) == (1, "published", 0)
    # The one-star review is linked and disclosed like any other.
    assert review.tester_assignment.campaign_id == campaign.pk


def test_the_dashboard_and_export_never_say_who_voted(member_api, member, campaign, testers, product):
    walk_to_received(member, campaign, testers[0])
    review = review_services.review_create(author=testers[0], product=product, rating=4, title="Nice", body="Nice.")
    voters = [UserFactory(username=f"voter{n}") for n in range(3)]
    for voter in voters:
        HelpfulVoteFactory(user=voter, review=review, helpful=True)
    dashboard = member_api.get(f"/api/v1/brand/campaigns/{campaign.pk}/dashboard/")
    export = member_api.get(f"/api/v1/brand/campaigns/{campaign.pk}/export/")
    for text in (str(dashboard.data), export.content.decode()):
        assert not any(v.username in text for v in voters)
    assert dashboard.data["timeline"][-1]["total_helpful"] == 3


def test_the_api_offers_no_way_to_reward_ratings_or_order_reviews(member_api, member, campaign, testers, product):
    """The campaign takes no reward or ordering input: unknown fields are ignored, and the reviews
    come in the same quality order whatever the brand asks."""
    walk_to_received(member, campaign, testers[0])
    review_services.review_create(author=testers[0], product=product, rating=1, title="No", body="Did not work.")
    reply = member_api.post(
        "/api/v1/brand/campaigns/",
        campaign_payload(product, reward_for_rating={"5": 10}, order_reviews="rating"),
        format="json",
    )
    assert reply.status_code == 201 and "reward_for_rating" not in reply.data
    assert not any("reward" in f.name for f in Campaign._meta.get_fields())
    reordered = member_api.get(f"/api/v1/brand/campaigns/{campaign.pk}/dashboard/?ordering=-rating")
    assert [r["rating"] for r in reordered.data["reviews"]] == [1]


# --- CSV ---------------------------------------------------------------------------------------------------


def test_csv_export_has_one_row_per_invitation_and_no_formulas(member_api, member, campaign, testers, product):
    walk_to_received(member, campaign, testers[0])
    review_services.review_create(author=testers[0], product=product, rating=5, title="=HYPERLINK(1)", body="Safe?")
    invite(member, campaign, testers[1])
    response = member_api.get(f"/api/v1/brand/campaigns/{campaign.pk}/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["tester"], r["status"]) for r in rows] == [("mei", "reviewed"), ("haruto", "invited")]
    assert rows[0]["title"] == "'=HYPERLINK(1)" and rows[0]["rating"] == "5"
    assert "@" not in response.content.decode()  # no email addresses
