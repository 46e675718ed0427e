"""Moderation writes reviews, comments and accounts only through the owning apps' services
(reviews.services.review_status_set / comment_status_set, accounts.services.user_suspend ...)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services as account_services
from moderation import services as moderation_services
from reviews import services as review_services
from reviews.models import Comment, Review
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def comment_count(review) -> int:
    return Review.objects.values_list("comment_count", flat=True).get(pk=review.pk)


def test_comment_status_set_counts_published_comments_only():
    review = ReviewFactory()
    comment = review_services.comment_create(author=UserFactory(), review=review, body="Agreed.")
    assert comment_count(review) == 1
    assert review_services.comment_status_set(comment=comment, status=Comment.Status.HIDDEN) == -1
    assert comment_count(review) == 0
    assert review_services.comment_status_set(comment=comment, status=Comment.Status.REMOVED) == 0
    assert comment_count(review) == 0
    assert review_services.comment_status_set(comment=comment, status=Comment.Status.PUBLISHED) == 1
    assert comment_count(review) == 1
    assert Comment.objects.get(pk=comment.pk).status == comment.status == Comment.Status.PUBLISHED


def test_review_status_set_marks_the_review_changed_for_the_rerank():
    review = ReviewFactory()
    Review.objects.filter(pk=review.pk).update(changed_at=timezone.now() - timedelta(days=1))
    before = Review.objects.values_list("changed_at", flat=True).get(pk=review.pk)
    review_services.review_status_set(review=review, status=Review.Status.HIDDEN)
    stored = Review.objects.get(pk=review.pk)
    assert stored.status == review.status == Review.Status.HIDDEN
    assert stored.changed_at == review.changed_at > before


def test_account_standing_services_write_the_row_and_the_instance():
    user = UserFactory()
    until = timezone.now() + timedelta(days=3)
    account_services.user_suspend(user=user, until=until)
    user.refresh_from_db()
    assert user.is_suspended and user.suspended_until == until
    account_services.user_unsuspend(user=user)
    assert not user.is_suspended
    account_services.user_deactivate(user=user)
    user.refresh_from_db()
    assert not user.is_active
    assert account_services.user_reactivate(user=user).is_active


@pytest.mark.parametrize(
    ("call", "service"),
    [
        (lambda m, u: moderation_services.user_suspend(user=u, moderator=m, days=2, reason="spam"), "user_suspend"),
        (lambda m, u: moderation_services.user_ban(user=u, moderator=m, reason="spam"), "user_deactivate"),
    ],
)
def test_moderation_changes_accounts_through_accounts_services(moderator, monkeypatch, call, service):
    calls = []
    original = getattr(account_services, service)
    monkeypatch.setattr(account_services, service, lambda **kw: calls.append(kw) or original(**kw))
    member = UserFactory()
    call(moderator, member)
    assert [kw["user"].pk for kw in calls] == [member.pk]


def test_moderation_hides_reviews_and_comments_through_reviews_services(moderator, monkeypatch):
    calls = []
    for name in ("review_status_set", "comment_status_set"):
        original = getattr(review_services, name)
        monkeypatch.setattr(
            review_services, name, lambda _o=original, _n=name, **kw: calls.append((_n, kw["status"])) or _o(**kw)
        )
    review = ReviewFactory()
    comment = review_services.comment_create(author=UserFactory(), review=review, body="Spam link")
    moderation_services.comment_moderate(comment=comment, moderator=moderator, action="hide", reason="spam")
    moderation_services.review_moderate(review=review, moderator=moderator, action="remove", reason="spam")
    assert calls == [("comment_status_set", "hidden"), ("review_status_set", "removed")]
    assert comment_count(review) == 0
