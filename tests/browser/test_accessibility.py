"""axe-core on every page, at 390 px and 1280 px: no serious or critical violation for a
visitor, a signed-in member (their own review's edit and delete pages, their comment's, settings,
notifications, search, levels), an invited tester, a member invited to join a brand, a brand's
member (dashboard, campaign form, a campaign's detail) and a moderator (queue, item, confirmation
of a destructive decision, undo, member trust, audit log and the rest of the moderation pages)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from accounts import services as account_services
from accounts.models import MODERATORS_GROUP
from brands import services as brand_services
from moderation import services as moderation_services
from moderation.models import QueueItem
from ranking.models import FlaggedVote, FraudFlag, ReviewerStanding
from reviews import services as review_services
from reviews.models import Brand, BrandMembership, Comment, HelpfulVote, Review
from tests.web.conftest import rerank

from .conftest import WIDTHS, assert_accessible, log_in
from .scenario import PASSWORD, build_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_with_staff() -> dict:
    built = build_community()
    rerank()  # so Discover and the rankings have something to show
    dewy = Brand.objects.get(slug="dewy-lab")
    pm = account_services.user_register(username="dewy_pm", password=PASSWORD, display_name="Dewy Lab team")
    BrandMembership.objects.create(brand=dewy, user=pm, is_owner=True)
    moderator = account_services.user_register(username="moderator_jo", password=PASSWORD, display_name="Jo")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return {**built, "brand": dewy, "brand_member": pm, "moderator": moderator}


@pytest.fixture
def community(community_of):
    return community_of(build_with_staff)


@pytest.fixture
def program(community):
    """A verified brand's open campaign: Mei received the toner and reviewed it (disclosed),
    Haruto is invited; Amara is invited to join the brand."""
    members, products = community["members"], community["products"]
    pm, moderator = community["brand_member"], community["moderator"]
    brand_services.brand_verify(moderator=moderator, brand=community["brand"])
    # The nightly ranking decides who is an invited tester; promote two as it would.
    ReviewerStanding.objects.filter(user__username__in=["mei", "haruto", "kenji"]).update(is_tester=True, level=5)
    now = timezone.now()
    campaign = brand_services.campaign_create(
        member=pm,
        product=products[1],  # the toner, which Sofia reviewed: she is not proposed
        title="Rice Water Toner: first testers",
        units=3,
        invite_opens_at=now - timedelta(minutes=1),
        invite_closes_at=now + timedelta(days=7),
        review_days=14,
        categories=[community["categories"]["skincare"]],
    )
    mei, haruto = members["mei"], members["haruto"]
    invitation = brand_services.campaign_invite(actor=pm, campaign=campaign, testers=[mei])[0]
    brand_services.invitation_accept(tester=mei, invitation=invitation, shipping_address="3-1 Sakura-cho\nTokyo")
    brand_services.invitation_ship(member=pm, invitation=invitation, tracking="JP-4471")
    brand_services.invitation_receive(tester=mei, invitation=invitation)
    disclosed = review_services.review_create(
        author=mei, product=products[1], rating=3, title="Gentle, little change", body="No stinging.", tags=[]
    )
    brand_services.campaign_invite(actor=pm, campaign=campaign, testers=[haruto])
    brand_services.brand_member_invite(actor=pm, username="amara")
    return {"campaign": campaign, "disclosed": disclosed}


@pytest.fixture
def reports(community):
    """Three new accounts report Mei's review with the same words, Haruto reports a comment; a
    serial-voting flag and an announcement."""
    members = community["members"]
    review = Review.objects.get(title="Finally calmed my redness in a week")
    for n in range(3):
        fresh = account_services.user_register(username=f"fresh_{n}", password=PASSWORD)
        moderation_services.report_create(reporter=fresh, review=review, reason="fake", note="Paid review.")
    comment = Comment.objects.filter(review=review).order_by("pk").first()
    moderation_services.report_create(reporter=members["haruto"], comment=comment, reason="spam")
    flag = FraudFlag.objects.create(
        kind="serial_voting",
        key="serial:test",
        evidence={"voter": "amara", "author": "mei", "max_votes_in_24h": 9, "threshold": 5},
    )
    vote = HelpfulVote.objects.filter(review=review).first()
    flag.accounts.add(vote.user)
    FlaggedVote.objects.create(flag=flag, vote=vote)
    announcement = moderation_services.announcement_create(moderator=community["moderator"], title="Welcome")
    return {"review": review, "comment": comment, "flag": flag, "announcement": announcement}


def public_pages(community) -> list[str]:
    review, product = community["reviews"][0], community["products"][0]
    return [
        "/",
        f"/r/{review.pk}/",
        f"/p/{product.slug}/",
        "/u/mei/",
        "/search/?q=sunscreen",
        "/rankings/",
        "/rankings/skincare/",
        "/rankings/levels/",
    ]


def check(page, paths: list[str]) -> None:
    """Every page at both widths; one failure lists every page's violations, not just the first."""
    failures = []
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.goto(path)
            try:
                assert_accessible(page)
            except AssertionError as failure:
                failures.append(str(failure).split("\nassert ")[0])
    assert not failures, "\n".join(failures)


def test_pages_a_visitor_sees(page, community):
    check(page, [*public_pages(community), "/login/", "/signup/"])


def test_pages_a_member_sees(page, community):
    log_in(page, "sofia")  # follows Mei and has notifications (votes, a comment reply)
    own = Review.objects.get(author__username="sofia", title="The most comfortable tint I own")
    comment = Comment.objects.get(author__username="sofia")
    check(
        page,
        [
            *public_pages(community),
            "/write/",
            f"/write/?product={own.product.slug}",
            "/notifications/",
            "/settings/profile/",
            "/u/sofia/",
            "/search/?q=no-such-thing-anywhere",
            f"/r/{own.pk}/edit/",
            f"/r/{own.pk}/delete/",
            f"/c/{comment.pk}/edit/",
            f"/c/{comment.pk}/delete/",
            f"/report/review/{community['reviews'][1].pk}/",
        ],
    )


def test_the_write_page_with_its_errors(page, community):
    log_in(page, "sofia")
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/write/")
        page.get_by_role("button", name="Publish review").click()
        expect(page.get_by_text("Choose a rating")).to_be_visible()
        assert_accessible(page)


def test_brand_pages(page, community, program):
    log_in(page, "dewy_pm")
    campaign = program["campaign"]
    check(page, ["/brand/", "/brand/campaigns/new/", f"/brand/campaigns/{campaign.pk}/"])
    # The campaign form sent back with its errors.
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/brand/campaigns/new/")
        page.get_by_role("button", name="Create campaign").click()
        expect(page.locator(".errorlist, .field-error, [aria-invalid=true]").first).to_be_attached()
        assert_accessible(page)


def test_the_candidates_checkbox_is_named_and_the_tables_fit_a_phone(page, shots, community, program):
    log_in(page, "dewy_pm")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/brand/campaigns/{program['campaign'].pk}/")
    pick = page.get_by_role("checkbox", name="Invite Kenji")
    expect(pick).to_have_count(1)
    assert pick.get_attribute("id") == "pick-kenji"
    # Nothing is cut off: the page does not scroll sideways and neither does any table, whose
    # rows stack on a phone with every value in view.
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    for wrap in page.locator(".table-wrap").all():
        assert wrap.evaluate("el => el.scrollWidth - el.clientWidth") <= 0
    row = page.locator('[data-candidate="kenji"]')
    for value in ("Level", "Category reputation", "Reviews", "Avg. helpfulness", "Followers", "Match"):
        cell = row.locator(f'td[data-label="{value}"]')
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (value, box)
    # The rows keep their table semantics: the value is still under its column header.
    expect(page.get_by_role("cell", name="Lv5").first).to_be_attached()
    expect(page.get_by_role("columnheader", name="Category reputation")).to_be_attached()
    shots("campaign-phone")


def test_tester_and_brand_invitation_pages(page, community, program):
    log_in(page, "mei")  # received the toner and reviewed it
    check(page, ["/tester/", f"/r/{program['disclosed'].pk}/"])
    page.context.clear_cookies()
    log_in(page, "haruto")  # invited: the accept form
    check(page, ["/tester/"])
    page.context.clear_cookies()
    log_in(page, "amara")  # invited to join Dewy Lab
    check(page, ["/brand-invitations/"])


def test_moderation_pages(page, community, program, reports):
    log_in(page, "moderator_jo")
    item = QueueItem.objects.get(review=reports["review"])
    comment_item = QueueItem.objects.get(comment=reports["comment"])
    check(
        page,
        [
            "/moderation/",
            "/moderation/?tab=fraud",
            "/moderation/?status=closed",
            f"/moderation/queue/{item.pk}/",
            f"/moderation/queue/{comment_item.pk}/",
            f"/moderation/reviews/{reports['review'].pk}/",
            f"/moderation/comments/{reports['comment'].pk}/",
            "/moderation/members/fresh_0/",
            "/moderation/members/mei/",
            f"/moderation/fraud/{reports['flag'].pk}/",
            "/moderation/announcements/",
            f"/moderation/announcements/{reports['announcement'].pk}/",
            "/moderation/picks/",
            "/moderation/picks/skincare/",
            "/moderation/audit/",
            "/brand/verification/",
        ],
    )


def test_a_destructive_decision_its_confirmation_and_its_undo(page, community, reports):
    log_in(page, "moderator_jo")
    item = QueueItem.objects.get(review=reports["review"])
    width_pages = []
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/moderation/queue/{item.pk}/")
        page.get_by_label("Reason").fill("Reports from three new accounts, same words")
        page.get_by_role("button", name="Hide…").click()
        page.get_by_role("heading", name="Hide this review?").wait_for()
        assert_accessible(page)  # the confirmation page
        page.get_by_role("button", name="Yes, hide").click()
        page.wait_for_url("**/moderation/")
        expect(page.locator(".mod-undo-list")).to_be_visible()
        assert_accessible(page)  # the queue offering the undo
        page.locator(".mod-undo-list").get_by_role("button", name="Undo").click()
        page.wait_for_url(f"**/moderation/reviews/{reports['review'].pk}/")
        assert_accessible(page)  # undone, back on the review's page
        page.goto("/moderation/audit/")
        assert_accessible(page)  # the audit log, with both decisions in words
        width_pages.append(width)
    assert width_pages == list(WIDTHS)
    assert Review.objects.get(pk=reports["review"].pk).status == "published"
