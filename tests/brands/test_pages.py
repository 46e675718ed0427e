"""The web pages: the brand dashboard and campaign pages, moderators' verification, the tester's
invitations, and the disclosure wherever a linked review appears."""

import pytest
from django.test import Client

from brands.models import Campaign, Invitation
from reviews import services as review_services
from reviews.models import BrandMembership
from tests.factories import UserFactory

from .conftest import ADDRESS, invite, new_campaign, walk_to_received

pytestmark = pytest.mark.django_db


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_someone_without_a_brand_can_register_one():
    founder = UserFactory()
    page = web(founder).get("/brand/")
    assert page.status_code == 200 and b"Bring your brand to Candor" in page.content
    bad = web(founder).post("/brand/", {"name": "", "website": "not a url"})
    assert bad.status_code == 400 and b'data-errors-for="name"' in bad.content
    done = web(founder).post("/brand/", {"name": "Petal & Co"}, follow=True)
    assert b"Waiting for a moderator to verify" in done.content
    assert BrandMembership.objects.get(user=founder).brand.name == "Petal & Co"


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get("/brand/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_brand_home_lists_products_with_ranks_and_campaigns(member, campaign, product, rival_product):
    from ranking.models import ProductScore

    ProductScore.objects.create(product=product, category=product.category, category_rank=2, eligible=True)
    page = web(member).get("/brand/")
    html = page.content.decode()
    assert "Verified brand" in html and "No. 2" in html and campaign.title in html
    assert rival_product.name not in html
    added = web(member).post(
        "/brand/", {"product-name": "Rice Toner", "product-category": "skincare", "product-description": ""}
    )
    assert added.status_code == 302
    assert product.brand.products.filter(name="Rice Toner").exists()


def test_creating_a_campaign_in_the_browser(member, product, testers):
    client = web(member)
    form = client.get("/brand/campaigns/new/")
    assert form.status_code == 200 and b"Barrier Cream" in form.content
    data = {
        "product": product.slug,
        "title": "Winter test",
        "units": "2",
        "min_level": "1",
        "review_days": "14",
        "categories": ["skincare"],
        "invite_opens_at": "2020-01-01T00:00",
        "invite_closes_at": "2020-01-02T00:00",
    }
    closed = client.post("/brand/campaigns/new/", data)
    assert closed.status_code == 400 and b"must close in the future" in closed.content
    assert closed.content.count(b"Winter test") >= 1  # what was typed is kept
    data["invite_closes_at"] = "2099-01-01T00:00"
    too_long = client.post("/brand/campaigns/new/", data)
    assert too_long.status_code == 400 and b"within 60 days" in too_long.content
    from django.utils import timezone

    data["invite_opens_at"] = timezone.now().strftime("%Y-%m-%dT%H:%M")
    data["invite_closes_at"] = (timezone.now() + timezone.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    created = client.post("/brand/campaigns/new/", data)
    campaign = Campaign.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/brand/campaigns/{campaign.pk}/"
    detail = client.get(created["Location"]).content.decode()
    assert 'data-candidate="mei"' in detail and "<svg" in detail and "Funnel" in detail


def test_an_unverified_brand_cannot_open_the_campaign_form(member, product):
    product.brand.is_verified = False
    product.brand.save()
    assert web(member).get("/brand/campaigns/new/").status_code == 403


def test_inviting_shipping_and_exporting_from_the_campaign_page(member, campaign, testers):
    client = web(member)
    invited = client.post(f"/brand/campaigns/{campaign.pk}/invite/", {"testers": ["mei"]})
    assert invited.status_code == 302
    again = client.post(f"/brand/campaigns/{campaign.pk}/invite/", {"testers": ["mei"]})
    assert again.status_code == 400 and b"already invited" in again.content
    auto = client.post(f"/brand/campaigns/{campaign.pk}/auto-invite/", {"count": "1"})
    assert auto.status_code == 302
    assert sorted(Invitation.objects.values_list("tester__username", flat=True)) == ["haruto", "mei"]
    invitation = Invitation.objects.get(tester__username="mei")
    web(testers[0]).post(f"/tester/invitations/{invitation.pk}/accept/", {"shipping_address": ADDRESS})
    page = client.get(f"/brand/campaigns/{campaign.pk}/").content.decode()
    assert ADDRESS in page and "Mark shipped" in page
    shipped = client.post(f"/brand/invitations/{invitation.pk}/ship/", {"tracking": "JP123"})
    assert shipped.status_code == 302
    assert ADDRESS not in client.get(f"/brand/campaigns/{campaign.pk}/").content.decode()
    export = client.get(f"/brand/campaigns/{campaign.pk}/export.csv")
    assert export.status_code == 200 and export.content.decode().count("\n") == 3


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/brand/campaigns/{c}/"),
        ("post", "/brand/campaigns/{c}/invite/"),
        ("post", "/brand/campaigns/{c}/auto-invite/"),
        ("post", "/brand/campaigns/{c}/close/"),
        ("get", "/brand/campaigns/{c}/export.csv"),
        ("post", "/brand/invitations/{i}/ship/"),
    ],
)
def test_brand_a_gets_404_on_brand_b_pages(member, rival_member, rival_product, testers, method, path):
    campaign = new_campaign(rival_member, rival_product)
    invitation = invite(rival_member, campaign, testers[0])
    from brands import services

    services.invitation_accept(tester=testers[0], invitation=invitation, shipping_address=ADDRESS)
    response = getattr(web(member), method)(path.format(c=campaign.pk, i=invitation.pk), {"testers": ["haruto"]})
    assert response.status_code == 404
    invitation.refresh_from_db()
    campaign.refresh_from_db()
    assert (invitation.status, campaign.status, campaign.invitations.count()) == ("accepted", "open", 1)


def test_a_tester_accepts_receives_and_is_told_to_write(member, campaign, testers):
    mei = testers[0]
    invitation = invite(member, campaign, mei)
    client = web(mei)
    page = client.get("/tester/").content.decode()
    assert f'id="invitation-{invitation.pk}"' in page and "Accept" in page
    missing = client.post(f"/tester/invitations/{invitation.pk}/accept/", {"shipping_address": ""})
    assert missing.status_code == 400 and b"shipping_address" in missing.content
    assert client.post(f"/tester/invitations/{invitation.pk}/accept/", {"shipping_address": ADDRESS}).status_code == 302
    twice = client.post(f"/tester/invitations/{invitation.pk}/accept/", {"shipping_address": ADDRESS})
    assert twice.status_code == 409 and b"already accepted" in twice.content
    from brands import services

    services.invitation_ship(member=member, invitation=invitation)
    assert client.post(f"/tester/invitations/{invitation.pk}/received/").status_code == 302
    page = client.get("/tester/").content.decode()
    assert f"/write/?product={campaign.product.slug}" in page and "Review due" in page
    assert web(testers[1]).post(f"/tester/invitations/{invitation.pk}/received/").status_code == 404


def test_a_tester_declines(member, campaign, testers):
    invitation = invite(member, campaign, testers[0])
    assert web(testers[0]).post(f"/tester/invitations/{invitation.pk}/decline/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_only_moderators_verify_brands_on_the_web(moderator, member, product):
    brand = product.brand
    brand.is_verified = False
    brand.save()
    assert web(member).get("/brand/verification/").status_code == 403
    assert web(member).post(f"/brand/verification/{brand.slug}/", {"verified": "1"}).status_code == 403
    page = web(moderator).get("/brand/verification/")
    assert page.status_code == 200 and f"Verify {brand.name}".encode() in page.content
    assert web(moderator).post(f"/brand/verification/{brand.slug}/", {"verified": "1"}).status_code == 302
    brand.refresh_from_db()
    assert brand.is_verified


def test_the_disclosure_badge_shows_on_every_page_a_linked_review_appears(member, campaign, testers, product):
    mei = testers[0]
    walk_to_received(member, campaign, mei)
    review = review_services.review_create(author=mei, product=product, rating=3, title="Okay cream", body="Fine.")
    visitor = Client()
    for url in (
        "/",
        review.get_absolute_url(),
        product.get_absolute_url() + "?order=newest",
        f"/u/{mei.username}/",
        "/search/?q=cream",
    ):
        html = visitor.get(url).content.decode()
        assert 'data-disclosure="invited_tester"' in html, url
        assert "Received free" in html and "Dewy Lab" in html and "invited-tester campaign" in html, url
    other = review_services.review_create(author=testers[1], product=product, rating=5, title="Mine", body="Bought.")
    assert 'data-disclosure="invited_tester"' not in visitor.get(other.get_absolute_url()).content.decode()


def cards_by_id(html: str) -> dict[str, str]:
    """Each feed card's markup, by its review id."""
    return {part.split('"', 1)[0]: part for part in html.split('<article class="card" data-item data-id="')[1:]}


def test_the_disclosure_is_a_notice_of_its_own_only_on_the_review_of_the_free_product(
    member, campaign, testers, product, rival_product
):
    mei = testers[0]  # an invited tester: the "Invited tester" badge is hers on every review
    walk_to_received(member, campaign, mei)
    free = review_services.review_create(author=mei, product=product, rating=3, title="Okay cream", body="Fine.")
    paid = review_services.review_create(author=mei, product=rival_product, rating=4, title="Bought it", body="Good.")
    visitor = Client()

    page = visitor.get(free.get_absolute_url()).content.decode()
    # At the top of the note, before the photos, the author and the title, in words of its own.
    at = page.index('data-disclosure="invited_tester"')
    assert at < page.index('<article class="note') < page.index('class="note-title"')
    assert page.count('data-disclosure="invited_tester"') == 1
    assert '<aside class="disclosure" role="note" aria-label="Disclosure" data-disclosure="invited_tester">' in page
    assert "<strong>Received free from Dewy Lab through an invited-tester campaign.</strong>" in page
    # The author's badge stays with the author, as a badge, and the disclosure is not one.
    assert '<li class="badge" data-badge="invited_tester">' in page
    assert page.index('data-badge="invited_tester"') > page.index('class="author-card"')
    assert 'class="badge disclosure' not in page

    paid_page = visitor.get(paid.get_absolute_url()).content.decode()
    assert '<li class="badge" data-badge="invited_tester">' in paid_page
    assert "data-disclosure" not in paid_page and "Received free" not in paid_page

    # On the feed cards (her profile's, drawn through the card cache) the same split.
    cards = cards_by_id(visitor.get(f"/u/{mei.username}/").content.decode())
    assert (
        '<p class="disclosure disclosure-compact" role="note" data-disclosure="invited_tester">' in cards[str(free.pk)]
    )
    assert "<strong>Received free from Dewy Lab through an invited-tester campaign.</strong>" in cards[str(free.pk)]
    assert "data-disclosure" not in cards[str(paid.pk)]
    assert "badge" not in cards[str(free.pk)]


def test_your_own_profile_leads_to_your_invitations_and_brand_dashboard(member, testers):
    assert b'href="/tester/"' in web(testers[0]).get(f"/u/{testers[0].username}/").content
    own = web(member).get(f"/u/{member.username}/").content
    # A brand member who never tested has no invitations to look at (issue 25 item 8).
    assert b'href="/tester/"' not in own and b'href="/brand/"' in own
    assert b'href="/brand/"' not in web(testers[0]).get(f"/u/{testers[0].username}/").content
    assert b'href="/tester/"' not in Client().get(f"/u/{testers[0].username}/").content
