"""In-app notifications: comments on your review, helpful-vote milestones, moderation decisions,
all in the same transaction as the change and readable through the API with an unread count."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Notification
from moderation import services
from reviews import services as review_services
from reviews.models import Review
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_comment_on_your_review_notifies_you_but_not_your_own(author, review, commenter):
    comment = review_services.comment_create(author=commenter, review=review, body="Did it sting?")
    notice = Notification.objects.get(recipient=author, kind=Notification.Kind.COMMENT)
    assert commenter.public_name in notice.title and notice.body == "Did it sting?"
    assert notice.url.endswith(f"#comment-{comment.pk}") and notice.data["comment"] == comment.pk
    review_services.comment_create(author=author, review=review, body="Not at all")
    assert Notification.objects.filter(recipient=author, kind=Notification.Kind.COMMENT).count() == 1


def test_comment_and_notification_roll_back_together(author, review, commenter):
    with pytest.raises(RuntimeError), transaction.atomic():
        review_services.comment_create(author=commenter, review=review, body="Hello")
        raise RuntimeError("the request failed after the write")
    assert not Notification.objects.filter(recipient=author).exists()
    assert Review.objects.get(pk=review.pk).comment_count == 0


def test_helpful_milestones_are_announced_once_each(author, review):
    voters = [UserFactory() for _ in range(10)]
    for voter in voters:
        review_services.vote_cast(user=voter, review=review, helpful=True)
    milestones = Notification.objects.filter(recipient=author, kind=Notification.Kind.HELPFUL_MILESTONE)
    assert sorted(n.data["milestone"] for n in milestones) == [1, 10]
    assert milestones.get(data__milestone=10).title == "10 people found your review helpful"
    # Withdrawn and cast again: the count passes 10 again, no second notice.
    review_services.vote_remove(user=voters[-1], review=review)
    review_services.vote_cast(user=voters[-1], review=review, helpful=True)
    # A "not helpful" turned "helpful" counts as reaching it too, still once.
    review_services.vote_cast(user=voters[0], review=review, helpful=False)
    review_services.vote_cast(user=voters[0], review=review, helpful=True)
    assert milestones.count() == 2


def test_not_helpful_votes_never_announce_a_milestone(author, review):
    review_services.vote_cast(user=UserFactory(), review=review, helpful=False)
    assert not Notification.objects.filter(recipient=author).exists()


def test_moderation_notices_reach_the_api_with_an_unread_count(author, review, moderator):
    api = client_for(author)
    services.review_moderate(review=review, moderator=moderator, action="hide", reason="Undisclosed gift")
    services.user_warn(user=author, moderator=moderator, reason="Please disclose gifts")
    assert api.get("/api/v1/me/notifications/unread/").json()["unread_count"] == 2
    listed = api.get("/api/v1/me/notifications/").json()["results"]
    assert [n["kind"] for n in listed] == ["moderation", "moderation"]
    assert "Undisclosed gift" in listed[1]["body"]


def test_a_refused_decision_leaves_no_notice(author, review, moderator):
    services.review_moderate(review=review, moderator=moderator, action="remove", reason="Fake")
    with pytest.raises(ValidationError):  # removed reviews cannot be hidden
        services.review_moderate(review=review, moderator=moderator, action="hide", reason="again")
    assert Notification.objects.filter(recipient=author).count() == 1
