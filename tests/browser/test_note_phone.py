"""The review page on a phone (issue 25 item 1): the title near the top and Helpful in reach
without scrolling; save from a feed card."""

import pytest
from playwright.sync_api import expect

from reviews.models import Review, Save
from tests.web.conftest import rerank

from .conftest import log_in
from .scenario import build_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_and_rank() -> dict:
    built = build_community()
    rerank()
    return built


@pytest.fixture
def community(community_of):
    return community_of(build_and_rank)


def test_phone_note_shows_the_title_high_and_helpful_without_scrolling(page, shots, community):
    review = Review.objects.get(title="Frizz gone, hair not greasy")  # by Haruto
    log_in(page, "amara")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(review.get_absolute_url())
    shots("note-phone")
    title = page.locator("h1.note-title")
    assert title.bounding_box()["y"] < 500
    helpful = page.locator(f"#vote-{review.pk} [data-vote=helpful]")
    box = helpful.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    assert page.evaluate("window.scrollY") == 0
    bar = page.locator("[data-action-bar]")
    expect(bar.locator(f"#save-{review.pk} [data-save]")).to_be_in_viewport()
    expect(bar.get_by_role("link", name="Share this review")).to_be_in_viewport()
    expect(bar.locator("a[href='#comments']")).to_be_in_viewport()


def test_save_from_a_feed_card(page, community):
    review = Review.objects.get(title="Frizz gone, hair not greasy")
    log_in(page, "amara")
    Save.objects.filter(user__username="amara", review=review).delete()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/u/haruto/")
    toggle = page.locator(f"article.card[data-id='{review.pk}'] #save-{review.pk} [data-save]")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(page.locator(f"#save-{review.pk} [data-save]")).to_have_attribute("aria-pressed", "true")
    assert Save.objects.filter(user__username="amara", review=review).exists()
