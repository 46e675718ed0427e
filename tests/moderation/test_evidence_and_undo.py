"""Issue 25 item 7: moderators see who reported (account age, level, past report record, trust
weight) and look-alike reports from new accounts; the queue orders by weighted reports; hiding,
removing, suspending and banning take a confirmation step; a hide or removal can be undone for
ten minutes; messages and the audit log are written in words."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from moderation import services
from moderation.models import AuditEntry, QueueItem, Report
from reviews.models import Review
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def old_member(username: str, days: int = 400, **kwargs):
    return UserFactory(username=username, date_joined=timezone.now() - timedelta(days=days), **kwargs)


def past_reports(reporter, product, *, upheld: int = 0, dismissed: int = 0) -> None:
    """Closed reports on other reviews, as if decided before."""
    for status, count in ((Report.Status.ACTIONED, upheld), (Report.Status.DISMISSED, dismissed)):
        for _ in range(count):
            item = QueueItem.objects.create(review=ReviewFactory(product=product), status=QueueItem.Status.CLOSED)
            Report.objects.create(item=item, reporter=reporter, reason="spam", severity=2, status=status)


def brigade(review, count: int = 3, note: str = "This is a FAKE paid review!!") -> None:
    for n in range(count):
        reporter = UserFactory(username=f"fresh{n}", date_joined=timezone.now() - timedelta(days=1))
        services.report_create(reporter=reporter, review=review, reason="spam", note=note if n else note.lower())


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_item_shows_each_reporters_age_level_and_record(mod_web, review, product):
    veteran = old_member("veteran")
    past_reports(veteran, product, upheld=4, dismissed=1)
    doubter = old_member("doubter")
    past_reports(doubter, product, dismissed=4)
    services.report_create(reporter=veteran, review=review, reason="spam")
    services.report_create(reporter=doubter, review=review, reason="spam")
    item = QueueItem.objects.get(review=review)

    page = text(mod_web.get(f"/moderation/queue/{item.pk}/"))

    assert "Account 400 days old · Level 1 · Past reports: 4 upheld, 1 dismissed · Weight 1" in page
    # Four dismissed, none upheld: 2 x 1/6.
    assert "Past reports: 0 upheld, 4 dismissed · Weight 0.33" in page
    assert "<strong>1.33</strong> weighted reports from 2 open reports" in page


def test_identical_text_from_new_accounts_is_flagged(mod_web, review):
    brigade(review)
    item = QueueItem.objects.get(review=review)

    page = text(mod_web.get(f"/moderation/queue/{item.pk}/"))

    assert "3 reports from accounts under 7 days old with identical text" in page
    assert page.count("New account") == 3
    # Three day-old accounts weigh 0.3 each: less than one established reporter.
    assert "<strong>0.9</strong> weighted reports from 3 open reports" in page


def test_queue_puts_one_trusted_report_above_three_from_new_accounts(mod_web, review, product):
    brigade(review)
    trusted_target = ReviewFactory(product=product, title="Pilled under everything")
    services.report_create(reporter=old_member("veteran"), review=trusted_target, reason="spam")

    page = text(mod_web.get("/moderation/"))

    assert page.index("Pilled under everything") < page.index(review.title)
    assert "<strong>1</strong> weighted · 1 reporter" in page
    assert "<strong>0.9</strong> weighted · 3 reporters" in page


def test_hiding_takes_a_confirmation_step(mod_web, review):
    path = f"/moderation/reviews/{review.pk}/action/"

    response = mod_web.post(path, {"action": "remove", "reason": "Spam"})

    assert response.status_code == 200 and "Remove this review?" in text(response)
    assert 'name="confirm" value="yes"' in text(response)
    assert Review.objects.get(pk=review.pk).status == "published"
    assert not AuditEntry.objects.exists()
    response = mod_web.post(path, {"action": "remove", "reason": "Spam", "confirm": "yes"})
    assert response.status_code == 302 and Review.objects.get(pk=review.pk).status == "removed"


def test_the_main_button_is_not_the_destructive_one(mod_web, review):
    page = text(mod_web.get(f"/moderation/reviews/{review.pk}/"))

    remove = re.search(r'<button class="([^"]*)" type="submit" name="action" value="remove">', page)
    assert remove and "btn-primary" not in remove.group(1) and "btn-danger" not in remove.group(1)


def test_suspending_takes_a_confirmation_step(mod_web, author):
    path = f"/moderation/members/{author.username}/action/"

    response = mod_web.post(path, {"action": "suspend", "reason": "Spam", "days": "3"})

    assert response.status_code == 200 and "Suspend haruto for 3 days?" in text(response)
    author.refresh_from_db()
    assert not author.is_suspended


def test_the_message_says_what_happened_in_words(mod_web, review):
    response = mod_web.post(
        f"/moderation/reviews/{review.pk}/action/", {"action": "hide", "reason": "Spam", "confirm": "yes"}, follow=True
    )

    page = text(response)
    assert "Review hidden. The author has been told." in page
    assert "hide: done" not in page


def test_undo_within_the_window_restores_and_reopens_the_reports(mod_web, moderator, review):
    brigade(review)
    mod_web.post(f"/moderation/reviews/{review.pk}/action/", {"action": "hide", "reason": "Spam", "confirm": "yes"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVIEW_HIDE)
    assert QueueItem.objects.get(review=review).status == "closed"
    assert "Undo" in text(mod_web.get("/moderation/"))

    response = mod_web.post(f"/moderation/undo/{entry.pk}/", follow=True)

    assert "Undone: the review is back as it was" in text(response)
    assert Review.objects.get(pk=review.pk).status == "published"
    item = QueueItem.objects.get(review=review)
    assert item.status == "open" and item.report_count == 3
    undo = AuditEntry.objects.get(action=AuditEntry.Action.REVIEW_RESTORE)
    assert undo.after["undo_of"] == entry.pk and undo.actor_id == moderator.pk
    # Undone once: a second undo is refused.
    mod_web.post(f"/moderation/undo/{entry.pk}/")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVIEW_RESTORE).count() == 1


def test_undo_is_refused_after_ten_minutes(mod_web, review, monkeypatch):
    mod_web.post(f"/moderation/reviews/{review.pk}/action/", {"action": "remove", "reason": "Spam", "confirm": "yes"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVIEW_REMOVE)
    later = timezone.now() + timedelta(minutes=11)
    monkeypatch.setattr(timezone, "now", lambda: later)

    response = mod_web.post(f"/moderation/undo/{entry.pk}/", follow=True)

    assert "can no longer be undone" in text(response)
    assert Review.objects.get(pk=review.pk).status == "removed"


def test_audit_log_reads_as_sentences_with_the_data_behind_details(mod_web, review):
    mod_web.post(f"/moderation/reviews/{review.pk}/action/", {"action": "hide", "reason": "spam", "confirm": "yes"})

    page = text(mod_web.get("/moderation/audit/"))

    assert f"mod_ana hid review #{review.pk} “Calmed my redness in a week” — reason: spam" in page
    assert "<details" in page and "Recorded data" in page
