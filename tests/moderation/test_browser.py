"""The moderator's pages in a real browser at phone and desktop widths: nothing overflows
sideways, and a report filed by a member is hidden from the queue after a confirmation step,
then undone.

Drives Debian's Chromium through Playwright (skipped, with the reason, when either is missing)."""

import pytest

from moderation import services
from moderation.models import QueueItem
from reviews.models import Review
from tests.browser.conftest import watch_csp
from tests.conftest import SCREENSHOTS
from tests.moderation.conftest import make_moderator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_moderator_hides_a_reported_review_from_a_phone(browser, live_server, review, consumer, comment):
    moderator = make_moderator(username="mod_phone")
    services.report_create(reporter=consumer, review=review, reason="fake", note="Gifted by the brand, not disclosed")
    services.report_create(reporter=consumer, comment=comment, reason="spam")
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    csp_violations = watch_csp(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login/")
    page.get_by_label("Username").fill(moderator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto("/moderation/")
    assert overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / "moderation-queue-390.png"), full_page=True)
    page.get_by_text(f"Review: {review.title}").click()
    page.wait_for_url("**/moderation/queue/*/")
    assert overflow(page) <= 0
    page.get_by_label("Reason").fill("Undisclosed gift")
    page.screenshot(path=str(SCREENSHOTS / "moderation-item-390.png"), full_page=True)
    assert "Account" in page.inner_text(".mod-reporter") and "Weight" in page.inner_text(".mod-reporter")
    page.get_by_role("button", name="Hide…").click()
    # Nothing is hidden until the moderator confirms.
    page.get_by_role("heading", name="Hide this review?").wait_for()
    assert Review.objects.get(pk=review.pk).status == "published"
    assert overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / "moderation-confirm-390.png"), full_page=True)
    page.get_by_role("button", name="Yes, hide").click()
    page.wait_for_url("**/moderation/")
    assert "Review hidden." in page.inner_text(".toasts")
    assert Review.objects.get(pk=review.pk).status == "hidden"
    assert QueueItem.objects.get(review=review).status == "closed"
    page.locator(".mod-undo-list").get_by_role("button", name="Undo").click()
    page.wait_for_url(f"**/moderation/reviews/{review.pk}/")
    assert "Undone" in page.inner_text(".toasts")
    assert Review.objects.get(pk=review.pk).status == "published"
    assert QueueItem.objects.get(review=review).status == "open"

    for path in ("/moderation/audit/", f"/moderation/members/{review.author.username}/", "/moderation/announcements/"):
        page.goto(path)
        assert overflow(page) <= 0, path
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/moderation/audit/")
    page.screenshot(path=str(SCREENSHOTS / "moderation-audit-1280.png"), full_page=True)
    page.wait_for_timeout(100)
    context.close()
    assert not errors, errors
    assert not csp_violations, csp_violations
