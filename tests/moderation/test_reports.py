"""Reports and the queue they feed."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from moderation import selectors, services
from moderation.models import QueueItem, Report
from reviews.models import Review
from tests.conftest import client_for
from tests.factories import ReviewFactory, UserFactory
from tests.moderation.conftest import make_brand_member

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


def test_member_reports_a_review_and_it_enters_the_queue(consumer_api, consumer, review):
    response = consumer_api.post(REPORTS, {"review": review.pk, "reason": "spam", "note": "Link farm"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["target_type"] == "review" and response.json()["status"] == "open"
    item = QueueItem.objects.get(review=review)
    assert item.status == "open" and item.report_count == 1 and item.reporter_count == 1
    # Priority: severity first, then the reports weighed by reporter trust (in hundredths).
    assert item.severity == 2 and item.priority == 2 * 100_000 + round(item.weighted_reports * 100)
    assert 0 < item.weighted_reports <= 1
    # The reporter sees it in their own list.
    mine = consumer_api.get(REPORTS).json()["results"]
    assert [r["target_id"] for r in mine] == [review.pk]


def test_member_reports_a_comment(consumer_api, comment):
    response = consumer_api.post(REPORTS, {"comment": comment.pk, "reason": "offensive"}, format="json")
    assert response.status_code == 201
    assert QueueItem.objects.get(comment=comment).severity == 4


def test_second_open_report_on_the_same_item_is_refused(consumer_api, review):
    assert consumer_api.post(REPORTS, {"review": review.pk, "reason": "spam"}, format="json").status_code == 201
    again = consumer_api.post(REPORTS, {"review": review.pk, "reason": "fake"}, format="json")
    assert again.status_code == 400
    assert "already reported" in again.json()["review"][0]
    assert Report.objects.count() == 1


def test_one_open_report_per_user_per_item_is_a_database_constraint(consumer, review):
    report = services.report_create(reporter=consumer, review=review, reason="spam")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(item=report.item, reporter=consumer, reason="fake", severity=3)
    # A closed report does not block a new one.
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DISMISSED)
    Report.objects.create(item=report.item, reporter=consumer, reason="fake", severity=3)


def test_a_dismissed_item_reopens_on_a_new_report(consumer, other_user, moderator, review):
    services.report_create(reporter=consumer, review=review, reason="spam")
    item = QueueItem.objects.get(review=review)
    services.queue_item_dismiss(item=item, moderator=moderator, reason="Looks fine")
    item.refresh_from_db()
    assert item.status == "closed" and item.resolution == "dismissed"
    # The same member may report again once their report is closed, and so may others.
    services.report_create(reporter=consumer, review=review, reason="fake", note="Sponsored, not disclosed")
    item.refresh_from_db()
    assert item.status == "open" and item.report_count == 1 and item.severity == 3 and item.resolution == ""


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"reason": "spam"}, "review"),
        ({"review": "REVIEW", "comment": "COMMENT", "reason": "spam"}, "review"),
        ({"review": "REVIEW", "reason": "boring"}, "reason"),
        ({"review": "REVIEW"}, "reason"),
        ({"review": "REVIEW", "reason": "other"}, "note"),
        ({"review": "REVIEW", "reason": "spam", "note": "x" * 1001}, "note"),
        ({"review": 999_999, "reason": "spam"}, "review"),
        ({"review": 2**70, "reason": "spam"}, "review"),
        ({"review": -3, "reason": "spam"}, "review"),
        ({"review": "abc", "reason": "spam"}, "review"),
        ({"comment": 2**64, "reason": "spam"}, "comment"),
    ],
)
def test_bad_reports_get_400_naming_the_field(consumer_api, review, comment, payload, field):
    payload = {k: {"REVIEW": review.pk, "COMMENT": comment.pk}.get(v, v) for k, v in payload.items()}
    response = consumer_api.post(REPORTS, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_cannot_report_your_own_review(client_for_author, review):
    response = client_for_author.post(REPORTS, {"review": review.pk, "reason": "spam"}, format="json")
    assert response.status_code == 400 and "own" in response.json()["review"][0]


@pytest.fixture
def client_for_author(author):
    return client_for(author)


def test_cannot_report_hidden_content(consumer_api, review):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN)
    response = consumer_api.post(REPORTS, {"review": review.pk, "reason": "spam"}, format="json")
    assert response.status_code == 400 and "not published" in response.json()["review"][0]


def test_suspended_member_cannot_report(consumer, consumer_api, review):
    consumer.suspended_until = timezone.now() + timedelta(days=1)
    consumer.save()
    response = consumer_api.post(REPORTS, {"review": review.pk, "reason": "spam"}, format="json")
    assert response.status_code == 403


def test_queue_orders_by_severity_then_reporters_then_age(product, category):
    spam_by_three, offensive_by_one, spam_by_one, wrong_by_five = (ReviewFactory(product=product) for _ in range(4))
    reporters = [UserFactory() for _ in range(5)]
    services.report_create(reporter=reporters[0], review=spam_by_one, reason="spam")
    for reporter in reporters[:3]:
        services.report_create(reporter=reporter, review=spam_by_three, reason="spam")
    services.report_create(reporter=reporters[0], review=offensive_by_one, reason="offensive")
    for reporter in reporters:
        services.report_create(reporter=reporter, review=wrong_by_five, reason="wrong_product")
    order = [item.review_id for item in selectors.queue()]
    assert order == [offensive_by_one.pk, spam_by_three.pk, spam_by_one.pk, wrong_by_five.pk]


def test_severity_is_the_worst_open_reason(consumer, other_user, review):
    services.report_create(reporter=consumer, review=review, reason="wrong_product")
    services.report_create(reporter=other_user, review=review, reason="fake")
    item = QueueItem.objects.get(review=review)
    assert item.severity == 3 and item.reporter_count == 2


def test_reports_by_members_of_the_reviewed_brand_do_not_push_the_queue(brand, consumer, review):
    insider = make_brand_member(brand)
    services.report_create(reporter=insider, review=review, reason="fake")
    item = QueueItem.objects.get(review=review)
    assert item.report_count == 1 and item.reporter_count == 0
    assert Report.objects.get(reporter=insider).by_brand
    services.report_create(reporter=consumer, review=review, reason="spam")
    item.refresh_from_db()
    assert item.report_count == 2 and item.reporter_count == 1


def test_queue_pages_by_cursor_in_priority_order(mod_api, product):
    reporters = [UserFactory() for _ in range(3)]
    reviews = [ReviewFactory(product=product) for _ in range(5)]
    for index, review in enumerate(reviews):
        for reporter in reporters[: 1 + index % 3]:
            services.report_create(reporter=reporter, review=review, reason="spam")
    seen, url = [], "/api/v1/moderation/queue/?page_size=2"
    while url:
        page = mod_api.get(url).json()
        seen += [(row["priority"], row["id"]) for row in page["results"]]
        url = page["next"]
    assert len(seen) == 5 and len({pk for _, pk in seen}) == 5
    assert seen == sorted(seen, key=lambda row: (-row[0], row[1]))
    assert mod_api.get("/api/v1/moderation/queue/?status=bogus").status_code == 400
