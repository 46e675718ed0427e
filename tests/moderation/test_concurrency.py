"""Moderation under concurrent writers (PostgreSQL only: SQLite cannot show races)."""

import pytest

from moderation import services
from moderation.models import QueueItem, Report
from reviews import services as review_services
from reviews.models import Comment, Review
from tests.factories import ReviewFactory, UserFactory
from tests.moderation.conftest import make_moderator
from tests.reviews.test_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_members_reporting_one_review_at_once_make_one_exact_queue_item():
    review = ReviewFactory()
    reporters = UserFactory.create_batch(20)
    errors = run_at_once(
        [
            lambda r=r, i=i: services.report_create(reporter=r, review=review, reason="fake" if i == 7 else "spam")
            for i, r in enumerate(reporters)
        ]
    )
    assert errors == []
    item = QueueItem.objects.get(review=review)
    assert (item.report_count, item.reporter_count, item.severity) == (20, 20, 3)
    assert Report.objects.filter(item=item).count() == 20


def test_one_member_reporting_twice_at_once_files_one_report():
    review, reporter = ReviewFactory(), UserFactory()
    errors = run_at_once([lambda: services.report_create(reporter=reporter, review=review, reason="spam")] * 4)
    assert len(errors) == 3 and Report.objects.count() == 1
    assert QueueItem.objects.get(review=review).report_count == 1


def test_hiding_deleting_and_posting_comments_at_once_keep_the_count_exact():
    review = ReviewFactory()
    moderator = make_moderator()
    authors = UserFactory.create_batch(10)
    comments = [
        review_services.comment_create(author=a, review=review, body=f"comment {i}") for i, a in enumerate(authors)
    ]
    newcomers = UserFactory.create_batch(5)
    stale = [Comment.objects.get(pk=c.pk) for c in comments]  # loaded before anyone acts
    work = []
    for comment, author, old in zip(comments, authors, stale, strict=True):
        work.append(
            lambda c=comment: services.comment_moderate(comment=c, moderator=moderator, action="hide", reason="x")
        )
        work.append(lambda old=old, a=author: review_services.comment_delete(comment=old, user=a))
    work += [lambda u=u: review_services.comment_create(author=u, review=review, body="new") for u in newcomers]
    errors = run_at_once(work)
    # A hide that lost the race to the delete finds no comment: refused, nothing written.
    assert all("no longer exists" in str(e) for e in errors), errors
    published = Comment.objects.filter(review=review, status="published").count()
    assert Review.objects.get(pk=review.pk).comment_count == published == 5
