"""PUT/DELETE /api/v1/reviews/{id}/vote/ end to end, through the one vote path
(reviews.services._vote_write / _vote_withdraw), the same statements on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from accounts.models import Notification
from ranking.models import FlaggedVote, FraudFlag
from reviews.models import HelpfulVote, Review, VoteTally
from tests.conftest import client_for
from tests.factories import BrandMembershipFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(review) -> str:
    return f"/api/v1/reviews/{review.pk}/vote/"


def put(client, review, body):
    return client.put(url(review), body, format="json")


def counts(review) -> tuple[int, int]:
    review.refresh_from_db()
    return review.helpful_count, review.not_helpful_count


def tally(voter, author) -> tuple[int, int] | None:
    row = VoteTally.objects.filter(voter=voter, author=author).values_list("votes", "helpful_votes").first()
    return tuple(row) if row else None


def test_cast_change_repeat_and_withdraw_answer_and_count_exactly():
    review, voter, other = ReviewFactory(), UserFactory(), UserFactory()
    client = client_for(voter)
    put(client_for(other), review, {"helpful": True})

    first = put(client, review, {"helpful": False})
    assert first.status_code == 200
    assert first.json() == {"helpful": False, "helpful_count": 1, "not_helpful_count": 1}
    assert tally(voter, review.author) == (1, 0)

    changed = put(client, review, {"helpful": True})
    assert changed.json() == {"helpful": True, "helpful_count": 2, "not_helpful_count": 0}
    assert tally(voter, review.author) == (1, 1)
    vote = HelpfulVote.objects.get(user=voter, review=review)
    assert vote.helpful is True and vote.updated_at > vote.created_at

    again = put(client, review, {"helpful": True})
    assert again.json() == {"helpful": True, "helpful_count": 2, "not_helpful_count": 0}
    assert HelpfulVote.objects.get(pk=vote.pk).updated_at == vote.updated_at  # nothing changed
    assert tally(voter, review.author) == (1, 1)

    withdrawn = client.delete(url(review))
    assert withdrawn.status_code == 204 and withdrawn.content == b""
    assert counts(review) == (1, 0)
    assert tally(voter, review.author) is None  # no empty tally rows
    assert not HelpfulVote.objects.filter(user=voter, review=review).exists()

    none_left = client.delete(url(review))
    assert none_left.status_code == 204 and none_left.content == b""
    assert counts(review) == (1, 0)


def test_a_vote_marks_the_review_changed_for_the_rerank_but_the_same_vote_again_does_not():
    review, voter = ReviewFactory(), UserFactory()
    client = client_for(voter)
    Review.objects.filter(pk=review.pk).update(changed_at=timezone.now() - timedelta(days=1))

    def changed_at():
        return Review.objects.values_list("changed_at", flat=True).get(pk=review.pk)

    before = changed_at()
    put(client, review, {"helpful": True})
    cast = changed_at()
    assert cast > before
    put(client, review, {"helpful": True})
    assert changed_at() == cast
    put(client, review, {"helpful": False})
    assert changed_at() > cast
    Review.objects.filter(pk=review.pk).update(changed_at=before)
    client.delete(url(review))
    assert changed_at() > before


def test_tally_counts_every_vote_of_a_voter_on_one_author():
    author, voter = UserFactory(), UserFactory()
    reviews = ReviewFactory.create_batch(3, author=author)
    client = client_for(voter)
    for review, helpful in zip(reviews, (True, False, True), strict=True):
        assert put(client, review, {"helpful": helpful}).status_code == 200
    assert tally(voter, author) == (3, 2)
    client.delete(url(reviews[0]))
    assert tally(voter, author) == (2, 1)


def test_refusals_keep_their_status_and_message_and_count_nothing():
    author = UserFactory()
    review = ReviewFactory(author=author)
    own = put(client_for(author), review, {"helpful": True})
    assert own.status_code == 403 and "own review" in own.json()["detail"]

    member = BrandMembershipFactory(brand=review.product.brand).user
    brand = put(client_for(member), review, {"helpful": False})
    assert brand.status_code == 403 and "Members of a brand" in brand.json()["detail"]

    suspended = UserFactory(suspended_until=timezone.now() + timedelta(days=1))
    refused = put(client_for(suspended), review, {"helpful": True})
    assert refused.status_code == 403 and "suspended" in refused.json()["detail"]

    assert counts(review) == (0, 0)
    assert not HelpfulVote.objects.exists() and not VoteTally.objects.exists()


@pytest.mark.parametrize("status", [Review.Status.HIDDEN, Review.Status.REMOVED])
def test_only_published_reviews_take_or_give_back_votes(status):
    review, voter = ReviewFactory(), UserFactory()
    client = client_for(voter)
    put(client, review, {"helpful": True})
    Review.objects.filter(pk=review.pk).update(status=status)
    assert put(client, review, {"helpful": False}).status_code == 404
    assert client.delete(url(review)).status_code == 404
    assert HelpfulVote.objects.get(user=voter, review=review).helpful is True
    assert put(client, ReviewFactory.build(pk=987654), {"helpful": True}).status_code == 404
    assert client.delete("/api/v1/reviews/987654/vote/").status_code == 404
    # Checked before the suspension, as before: a missing review is a 404 for everyone.
    suspended = UserFactory(suspended_until=timezone.now() + timedelta(days=1))
    assert put(client_for(suspended), review, {"helpful": True}).status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "helpful"),
    [
        ({"helpful": "true"}, 200, True),  # form-style values still parse, through the serializer
        ({"helpful": 0}, 200, False),
        ({"helpful": True, "note": "ignored"}, 200, True),
        ({"helpful": None}, 400, None),
        ({}, 400, None),
        (["helpful"], 400, None),
    ],
)
def test_vote_bodies_parse_as_before(body, status, helpful):
    review, voter = ReviewFactory(), UserFactory()
    response = put(client_for(voter), review, body)
    assert response.status_code == status
    if status == 200:
        assert response.json()["helpful"] is helpful
    else:
        assert "helpful" in response.json() or "non_field_errors" in response.json()
        assert not HelpfulVote.objects.exists()


def test_anonymous_and_bad_tokens_cannot_vote(api_client):
    review = ReviewFactory()
    assert put(api_client, review, {"helpful": True}).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert put(api_client, review, {"helpful": True}).status_code == 401
    inactive = UserFactory(is_active=False)
    assert put(client_for(inactive), review, {"helpful": True}).status_code == 401
    assert counts(review) == (0, 0)


def test_helpful_milestones_are_announced_once():
    review = ReviewFactory()
    first, second = UserFactory(), UserFactory()

    def milestones():
        return sorted(
            Notification.objects.filter(recipient=review.author, kind=Notification.Kind.HELPFUL_MILESTONE).values_list(
                "data__milestone", flat=True
            )
        )

    put(client_for(first), review, {"helpful": False})
    assert milestones() == []
    put(client_for(first), review, {"helpful": True})  # changed to helpful: the first one
    assert milestones() == [1]
    client_for(first).delete(url(review))
    put(client_for(second), review, {"helpful": True})  # 1 again, after a withdrawal
    assert milestones() == [1]


def test_withdrawing_a_flagged_vote_takes_its_fraud_link_with_it():
    review, voter = ReviewFactory(), UserFactory()
    client = client_for(voter)
    put(client, review, {"helpful": True})
    flag = FraudFlag.objects.create(kind=FraudFlag.Kind.SERIAL_VOTING, key=f"serial:{voter.pk}:{review.author_id}")
    FlaggedVote.objects.create(flag=flag, vote=HelpfulVote.objects.get(user=voter, review=review))
    assert client.delete(url(review)).status_code == 204
    assert not FlaggedVote.objects.exists() and FraudFlag.objects.filter(pk=flag.pk).exists()
    assert counts(review) == (0, 0)


def test_a_vote_is_four_statements_after_the_token(django_assert_num_queries):
    review, voter = ReviewFactory(), UserFactory()
    client = client_for(voter)
    put(client_for(UserFactory()), review, {"helpful": True})  # helpful count 1: its milestone is past
    client.put(url(review), {"helpful": False}, format="json")  # warms up the process-wide caches
    client.delete(url(review))
    # The token, then the vote: read, write, tally, counters (in a savepoint and its release
    # inside the test's transaction).
    with django_assert_num_queries(7):
        assert put(client, review, {"helpful": True}).status_code == 200
    with django_assert_num_queries(7):
        assert put(client, review, {"helpful": False}).status_code == 200
    with django_assert_num_queries(4):  # the same vote again: only the read
        assert put(client, review, {"helpful": False}).status_code == 200
    # A withdrawal also locks the vote and deletes it through the ORM (its flagged-vote links
    # first), and deletes the voter's emptied tally.
    with django_assert_num_queries(10):
        assert client.delete(url(review)).status_code == 204


def test_the_vote_path_knows_every_hook_on_votes():
    """The vote path inserts and changes votes in SQL, so it fires no save signals: this fails
    when a hook on saving votes appears (its rule belongs in reviews.services._vote_write).
    Withdrawals go through the ORM's delete, which runs delete hooks and cascades."""

    def receivers(signal):
        return sorted(
            f"{receiver.__module__}.{receiver.__qualname__}"
            for receiver in signal._live_receivers(HelpfulVote)[0]  # (sync, async) receivers
        )

    assert receivers(pre_save) == receivers(post_save) == []


@pytest.mark.parametrize("review_id", [98589419900, 99999999999999999999])
def test_ids_beyond_any_review_are_404s(review_id):
    client = client_for(UserFactory())
    assert client.put(f"/api/v1/reviews/{review_id}/vote/", {"helpful": True}, format="json").status_code == 404
    assert client.delete(f"/api/v1/reviews/{review_id}/vote/").status_code == 404
