"""For You in the browser: the interests step on the first visit, cards with their reasons,
"show less" on a card, "More like this" under a review; axe-checked, screenshots at 390 and 1280 px."""

import pytest
from playwright.sync_api import expect

from accounts import services as account_services
from reviews.models import Review
from tests.browser.conftest import assert_accessible, log_in, page, shots  # noqa: F401 - fixtures
from tests.browser.scenario import PASSWORD, build_community
from tests.web.conftest import rerank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def community(db):
    built = build_community()
    rerank()
    account_services.user_register(username="nora", password=PASSWORD, display_name="Nora")
    return built


def test_new_member_picks_interests_and_reads_for_you(page, shots, community):  # noqa: F811
    log_in(page, "nora")
    page.goto("/for-you/")
    assert "/for-you/interests/" in page.url
    expect(page.get_by_role("heading", name="What do you like?")).to_be_visible()
    shots("interests")
    page.get_by_label("Skincare", exact=True).check()
    page.get_by_role("button", name="Save interests").click()
    page.wait_for_url(lambda url: url.endswith("/for-you/"))
    reasons = page.locator(".fy-reason")
    expect(reasons.first).to_be_visible()
    texts = reasons.all_inner_texts()
    assert any("Skincare" in text for text in texts), texts
    assert_accessible(page)
    shots("for-you")
    first = page.locator(".fy-entry").first
    first.locator("summary").click()
    first.get_by_role("button", name="Less from").first.click()
    expect(page.get_by_text("Got it: you'll see less of this author.")).to_be_visible()

    review = Review.objects.filter(product__category__slug="skincare").first()
    page.goto(review.get_absolute_url())
    expect(page.get_by_role("heading", name="More like this")).to_be_visible()
