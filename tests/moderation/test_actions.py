"""Decisions on reviews, comments and members: state, counters, reports, audit, notices."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, Notification, User
from moderation import services
from moderation.models import AuditEntry, QueueItem, Report
from reviews import services as review_services
from reviews.models import Comment, Review
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db


def action_url(kind: str, pk) -> str:
    return f"/api/v1/moderation/{kind}/{pk}/action/"


# --- reviews ---------------------------------------------------------------------------------


def test_hiding_a_review_keeps_it_for_its_author_and_tells_them_why(mod_api, moderator, author, consumer, review):
    services.report_create(reporter=consumer, review=review, reason="spam")
    before = Review.objects.get(pk=review.pk).changed_at
    response = mod_api.post(
        action_url("reviews", review.pk), {"action": "hide", "reason": "Affiliate links"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "hidden"
    review.refresh_from_db()
    assert review.status == "hidden" and review.changed_at > before
    # Reports are closed as acted on, and the item leaves the queue.
    item = QueueItem.objects.get(review=review)
    assert item.status == "closed" and item.resolution == "hidden" and item.closed_by == moderator
    assert Report.objects.get(item=item).status == Report.Status.ACTIONED
    # The author is told the reason, and still sees the review; others do not.
    notice = Notification.objects.get(recipient=author, kind=Notification.Kind.MODERATION)
    assert "Affiliate links" in notice.body and notice.url == review.get_absolute_url()
    assert "mod_ana" not in notice.body + notice.title
    assert client_for(author).get(f"/api/v1/reviews/{review.pk}/").status_code == 200
    assert client_for(consumer).get(f"/api/v1/reviews/{review.pk}/").status_code == 404
    # Audit: who, what, when, why, before and after.
    entry = AuditEntry.objects.get(action="review_hide")
    assert entry.actor_id == moderator.pk and entry.actor_username == "mod_ana"
    assert (entry.target_type, entry.target_id, entry.target_user_id) == ("review", str(review.pk), author.pk)
    assert entry.reason == "Affiliate links"
    assert entry.before == {"status": "published"} and entry.after["status"] == "hidden"
    # The author can read the decision through the API.
    decisions = client_for(author).get("/api/v1/me/moderation/").json()["results"]
    assert decisions[0]["action"] == "review_hide" and decisions[0]["reason"] == "Affiliate links"
    assert "actor" not in decisions[0]


def test_restore_and_remove_follow_the_allowed_transitions(moderator, review):
    services.review_moderate(review=review, moderator=moderator, action="hide", reason="check")
    services.review_moderate(review=review, moderator=moderator, action="restore", reason="ok after all")
    assert Review.objects.get(pk=review.pk).status == "published"
    services.review_moderate(review=review, moderator=moderator, action="remove", reason="fake")
    assert Review.objects.get(pk=review.pk).status == "removed"
    with pytest.raises(ValidationError) as error:
        services.review_moderate(review=review, moderator=moderator, action="hide", reason="again")
    assert "action" in error.value.message_dict
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "review_hide",
        "review_restore",
        "review_remove",
    ]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"action": "hide"}, "reason"),
        ({"action": "hide", "reason": ""}, "reason"),
        ({"action": "hide", "reason": "   "}, "reason"),
        ({"action": "explode", "reason": "x"}, "action"),
        ({"reason": "x"}, "action"),
        ({"action": "restore", "reason": "x"}, "action"),  # it is published already
        ({"action": "hide", "reason": "x" * 1001}, "reason"),
    ],
)
def test_bad_review_actions_get_400_naming_the_field(mod_api, review, payload, field):
    response = mod_api.post(action_url("reviews", review.pk), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not AuditEntry.objects.exists()


def test_unknown_or_out_of_range_ids_are_404(mod_api):
    for pk in (999_999, 2**63, 2**70):
        assert mod_api.post(action_url("reviews", pk), {"action": "hide", "reason": "x"}).status_code == 404
        assert mod_api.post(action_url("comments", pk), {"action": "hide", "reason": "x"}).status_code == 404
        assert mod_api.get(f"/api/v1/moderation/queue/{pk}/").status_code == 404


def test_moderator_cannot_act_on_their_own_content(product, moderator):
    from tests.factories import ReviewFactory

    own = ReviewFactory(author=moderator, product=product)
    response = client_for(moderator).post(action_url("reviews", own.pk), {"action": "hide", "reason": "x"})
    assert response.status_code == 403
    assert Review.objects.get(pk=own.pk).status == "published"


def test_moderator_cannot_decide_on_an_item_they_reported(moderator, other_moderator, review):
    services.report_create(reporter=moderator, review=review, reason="spam")
    with pytest.raises(PermissionDenied):
        services.review_moderate(review=review, moderator=moderator, action="hide", reason="spam")
    with pytest.raises(PermissionDenied):
        services.queue_item_dismiss(item=QueueItem.objects.get(review=review), moderator=moderator)
    # Another moderator can.
    services.review_moderate(review=review, moderator=other_moderator, action="hide", reason="spam")
    assert Review.objects.get(pk=review.pk).status == "hidden"


def test_dismissing_reports_leaves_the_content_and_records_it(mod_api, moderator, consumer, review):
    services.report_create(reporter=consumer, review=review, reason="spam")
    item = QueueItem.objects.get(review=review)
    response = mod_api.post(f"/api/v1/moderation/queue/{item.pk}/dismiss/", {"reason": "Honest review"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "closed" and response.json()["resolution"] == "dismissed"
    assert Review.objects.get(pk=review.pk).status == "published"
    assert Report.objects.get(item=item).status == Report.Status.DISMISSED
    assert AuditEntry.objects.get(action="reports_dismiss").after["reports_dismissed"] == 1
    again = mod_api.post(f"/api/v1/moderation/queue/{item.pk}/dismiss/", {}, format="json")
    assert again.status_code == 400 and "item" in again.json()


# --- comments and the comment counter ------------------------------------------------------------


def count(review) -> int:
    return Review.objects.get(pk=review.pk).comment_count


def test_hiding_and_restoring_a_comment_moves_the_counter(mod_api, moderator, commenter, review, comment):
    assert count(review) == 1
    response = mod_api.post(action_url("comments", comment.pk), {"action": "hide", "reason": "Rude"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "hidden"
    assert count(review) == 0
    # Removing a hidden comment does not count it out twice.
    services.comment_moderate(comment=comment, moderator=moderator, action="remove", reason="Rude again")
    assert count(review) == 0
    services.comment_moderate(comment=comment, moderator=moderator, action="restore", reason="Appeal upheld")
    assert count(review) == 1
    notices = Notification.objects.filter(recipient=commenter, kind=Notification.Kind.MODERATION)
    assert notices.count() == 3 and "Rude" in notices.last().body
    assert AuditEntry.objects.filter(target_type="comment").count() == 3


def test_comment_hidden_then_deleted_by_its_author_is_counted_out_once(moderator, commenter, review, comment):
    stale = Comment.objects.get(pk=comment.pk)  # loaded before the moderator acts
    services.comment_moderate(comment=comment, moderator=moderator, action="hide", reason="Spam")
    assert count(review) == 0
    review_services.comment_delete(comment=stale, user=commenter)
    assert count(review) == 0 and not Comment.objects.filter(pk=comment.pk).exists()


def test_hidden_comment_disappears_from_the_review_but_the_review_stays(consumer_api, moderator, review, comment):
    services.comment_moderate(comment=comment, moderator=moderator, action="hide", reason="Spam")
    listed = consumer_api.get(f"/api/v1/reviews/{review.pk}/comments/")
    assert listed.status_code == 200
    assert comment.pk not in [c["id"] for c in listed.json()["results"]]
    assert consumer_api.get(f"/api/v1/comments/{comment.pk}/").status_code == 404
    assert consumer_api.get(f"/api/v1/reviews/{review.pk}/").status_code == 200


# --- members ------------------------------------------------------------------------------------


def user_url(username: str) -> str:
    return f"/api/v1/moderation/users/{username}/action/"


def test_warning_is_recorded_and_sent(mod_api, author):
    response = mod_api.post(user_url(author.username), {"action": "warn", "reason": "Disclose free products"})
    assert response.status_code == 200
    assert Notification.objects.get(recipient=author, kind="moderation").body == "Disclose free products"
    assert AuditEntry.objects.get(action="user_warn").target_user_id == author.pk


def test_suspension_stops_posting_and_voting_until_it_ends(mod_api, author, review, product):
    response = mod_api.post(user_url(author.username), {"action": "suspend", "days": 3, "reason": "Spam"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_suspended"] and body["is_active"]
    author.refresh_from_db()
    assert timezone.now() + timedelta(days=2, hours=23) < author.suspended_until <= timezone.now() + timedelta(days=3)
    api = client_for(author)
    other_review = review_services.review_create(
        author=UserFactory(), product=product, rating=4, title="Another view", body="Fine."
    )
    assert api.put(f"/api/v1/reviews/{other_review.pk}/vote/", {"helpful": True}, format="json").status_code == 403
    assert api.post(f"/api/v1/reviews/{other_review.pk}/comments/", {"body": "hi"}, format="json").status_code == 403
    entry = AuditEntry.objects.get(action="user_suspend")
    assert entry.before["suspended_until"] is None and entry.after["days"] == 3
    # Lift it.
    assert mod_api.post(user_url(author.username), {"action": "unsuspend", "reason": "Appeal"}).status_code == 200
    author.refresh_from_db()
    assert not author.is_suspended


def test_ban_deactivates_the_account_and_its_token(mod_api, author):
    api = client_for(author)
    assert api.get("/api/v1/me/").status_code == 200
    response = mod_api.post(user_url(author.username), {"action": "ban", "reason": "Vote ring"})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert api.get("/api/v1/me/").status_code == 401
    assert mod_api.post(user_url(author.username), {"action": "ban", "reason": "again"}).status_code == 400
    assert mod_api.post(user_url(author.username), {"action": "unban", "reason": "Appeal"}).status_code == 200
    assert api.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"action": "suspend", "reason": "x"}, "days"),
        ({"action": "suspend", "reason": "x", "days": 0}, "days"),
        ({"action": "suspend", "reason": "x", "days": 366}, "days"),
        ({"action": "suspend", "reason": "x", "days": "many"}, "days"),
        ({"action": "suspend", "days": 3}, "reason"),
        ({"action": "exile", "reason": "x"}, "action"),
        ({"action": "unsuspend", "reason": "x"}, "action"),  # not suspended
        ({"action": "unban", "reason": "x"}, "action"),  # not banned
    ],
)
def test_bad_member_actions_get_400_naming_the_field(mod_api, author, payload, field):
    response = mod_api.post(user_url(author.username), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_moderators_cannot_act_on_themselves_or_other_moderators(mod_api, moderator, other_moderator):
    assert mod_api.post(user_url(moderator.username), {"action": "warn", "reason": "x"}).status_code == 403
    assert mod_api.post(user_url(other_moderator.username), {"action": "ban", "reason": "x"}).status_code == 403
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert (
        client_for(admin).post(user_url(other_moderator.username), {"action": "warn", "reason": "x"}).status_code == 200
    )


def test_unknown_member_is_404(mod_api):
    assert mod_api.post(user_url("nobody-here"), {"action": "warn", "reason": "x"}).status_code == 404


def test_removed_moderator_loses_the_power_at_once(review):
    former = make_moderator()
    former.groups.remove(Group.objects.get(name=MODERATORS_GROUP))
    former = User.objects.get(pk=former.pk)
    with pytest.raises(PermissionDenied):
        services.review_moderate(review=review, moderator=former, action="hide", reason="x")
