"""Vote-fraud review, and what moderation decisions do to the ranking at the next rerank."""

import math
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from moderation import services
from moderation.models import AuditEntry
from ranking import scoring as S
from ranking.models import FlaggedVote, FraudFlag, ReviewScore
from tests.conftest import client_for
from tests.moderation.conftest import make_moderator
from tests.ranking.conftest import BASE_WEIGHT, add_votes, make_review, rerank, seasoned_user
from tests.ranking.test_split import settle_in_the_past

pytestmark = pytest.mark.django_db


def helpful_weight(review) -> float:
    return ReviewScore.objects.get(pk=review.pk).helpful_weight


def serial_flag(voter, author, votes) -> FraudFlag:
    """A flag as ranking.fraud writes it for serial voting."""
    flag = FraudFlag.objects.create(
        kind=FraudFlag.Kind.SERIAL_VOTING,
        key=f"serial:{voter.pk}:{author.pk}",
        evidence={
            "voter": voter.username,
            "voter_id": voter.pk,
            "author": author.username,
            "author_id": author.pk,
            "votes_in_bursts": len(votes),
            "max_votes_in_24h": len(votes),
            "threshold": 5,
            "first_vote_at": "2030-01-01T10:00:00+00:00",
            "last_vote_at": "2030-01-01T10:05:00+00:00",
            "review_ids": sorted({v.review_id for v in votes}),
        },
        vote_count=len(votes),
    )
    flag.accounts.add(voter)
    FlaggedVote.objects.bulk_create([FlaggedVote(flag=flag, vote=v) for v in votes])
    return flag


@pytest.fixture
def ranked_case(product):
    """A review with three helpful votes, the first from a flagged voter; ranked once."""
    review = make_review(product=product)
    voters = [seasoned_user() for _ in range(3)]
    votes = add_votes(review, helpful=3, voters=voters)
    flag = serial_flag(voters[0], review.author, votes[:1])
    rerank(full=True)
    return review, voters, flag


def test_fraud_queue_lists_flags_with_their_evidence(mod_api, ranked_case):
    review, voters, flag = ranked_case
    listed = mod_api.get("/api/v1/moderation/fraud-flags/")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert row["id"] == flag.pk and row["kind"] == "serial_voting" and row["status"] == "open"
    assert row["accounts"] == [voters[0].username] and row["evidence"]["author"] == review.author.username
    detail = mod_api.get(f"/api/v1/moderation/fraud-flags/{flag.pk}/").json()
    [vote] = detail["votes"]
    assert vote["voter"] == voters[0].username and vote["author"] == review.author.username
    assert vote["review"] == review.pk and vote["helpful"] is True and vote["voted_at"]
    assert mod_api.get("/api/v1/moderation/fraud-flags/?status=confirmed").json()["results"] == []
    assert mod_api.get("/api/v1/moderation/fraud-flags/?status=bogus").status_code == 400


def test_confirmed_flag_voids_its_votes_at_the_next_rerank(mod_api, moderator, ranked_case):
    review, _voters, flag = ranked_case
    # Open: the flagged vote is discounted.
    assert helpful_weight(review) == pytest.approx(BASE_WEIGHT * (2 + S.FLAG_OPEN_FACTOR), abs=1e-6)
    response = mod_api.post(
        f"/api/v1/moderation/fraud-flags/{flag.pk}/decision/",
        {"decision": "confirm", "reason": "Five votes in five minutes"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed" and response.json()["reviewed_by"] == moderator.username
    rerank()
    assert helpful_weight(review) == pytest.approx(BASE_WEIGHT * 2, abs=1e-6)
    entry = AuditEntry.objects.get(action="fraud_confirm")
    assert entry.before["status"] == "open" and entry.after["status"] == "confirmed"
    assert entry.reason == "Five votes in five minutes"


def test_dismissed_flag_restores_full_weight_and_can_be_reopened(moderator, ranked_case):
    review, _voters, flag = ranked_case
    services.fraud_flag_decide(flag=flag, moderator=moderator, decision="dismiss", reason="Same household, fine")
    rerank()
    assert helpful_weight(review) == pytest.approx(BASE_WEIGHT * 3, abs=1e-6)
    with pytest.raises(ValidationError) as error:
        services.fraud_flag_decide(flag=flag, moderator=moderator, decision="confirm", reason="changed my mind")
    assert "reopen" in str(error.value)
    services.fraud_flag_decide(flag=flag, moderator=moderator, decision="reopen", reason="New evidence")
    assert FraudFlag.objects.get(pk=flag.pk).status == "open"


@pytest.mark.parametrize(
    "payload, field",
    [({"decision": "maybe", "reason": "x"}, "decision"), ({"decision": "confirm"}, "reason"), ({}, "decision")],
)
def test_bad_fraud_decisions_get_400_naming_the_field(mod_api, ranked_case, payload, field):
    _review, _voters, flag = ranked_case
    response = mod_api.post(f"/api/v1/moderation/fraud-flags/{flag.pk}/decision/", payload, format="json")
    assert response.status_code == 400 and field in response.json()


def test_moderator_cannot_decide_a_flag_about_their_own_votes_or_reviews(product):
    voting_mod, authoring_mod = make_moderator(), make_moderator()
    review = make_review(product=product, author=authoring_mod)
    votes = add_votes(review, helpful=1, voters=[voting_mod])
    flag = serial_flag(voting_mod, authoring_mod, votes)
    for mod in (voting_mod, authoring_mod):
        assert (
            client_for(mod)
            .post(f"/api/v1/moderation/fraud-flags/{flag.pk}/decision/", {"decision": "confirm", "reason": "x"})
            .status_code
            == 403
        )
    with pytest.raises(PermissionDenied):
        services.fraud_flag_decide(flag=flag, moderator=voting_mod, decision="dismiss", reason="x")


def test_suspended_voters_stop_counting_at_the_next_rerank(moderator, product):
    review = make_review(product=product)
    voters = [seasoned_user() for _ in range(2)]
    add_votes(review, helpful=2, voters=voters)
    rerank(full=True)
    assert helpful_weight(review) == pytest.approx(2 * BASE_WEIGHT, abs=1e-6)
    services.user_suspend(user=voters[0], moderator=moderator, days=7, reason="Spam")
    rerank()
    assert helpful_weight(review) == pytest.approx(BASE_WEIGHT, abs=1e-6)
    services.user_unsuspend(user=voters[0], moderator=moderator, reason="Appeal")
    rerank()
    assert helpful_weight(review) == pytest.approx(2 * BASE_WEIGHT, abs=1e-6)


def test_banned_voters_stop_counting_at_the_next_rerank(moderator, product):
    review = make_review(product=product)
    voters = [seasoned_user() for _ in range(2)]
    add_votes(review, helpful=2, voters=voters)
    rerank(full=True)
    services.user_ban(user=voters[1], moderator=moderator, reason="Sock puppet")
    rerank()
    assert helpful_weight(review) == pytest.approx(BASE_WEIGHT, abs=1e-6)


def test_hidden_review_leaves_the_ranking_at_the_next_rerank_and_returns_when_restored(moderator, product):
    review = make_review(product=product)
    add_votes(review, helpful=2)
    rerank(full=True)
    assert ReviewScore.objects.get(pk=review.pk).ranked
    services.review_moderate(review=review, moderator=moderator, action="hide", reason="Check")
    rerank()
    assert not ReviewScore.objects.get(pk=review.pk).ranked
    services.review_moderate(review=review, moderator=moderator, action="restore", reason="Fine")
    rerank()
    assert ReviewScore.objects.get(pk=review.pk).ranked


def test_featured_review_gets_the_boost_at_the_next_rerank(moderator, product):
    review = make_review(product=product)
    rerank(full=True)
    plain = ReviewScore.objects.get(pk=review.pk).discover
    services.review_feature(review=review, moderator=moderator, until=timezone.now() + timedelta(days=3))
    rerank()
    assert ReviewScore.objects.get(pk=review.pk).discover == pytest.approx(plain + math.log(S.FEATURE_BOOST), abs=1e-5)


@pytest.mark.parametrize("lift", ["unsuspend", "unban"])
def test_a_lifted_suspension_or_ban_counts_again_long_after_the_votes(moderator, product, lift):
    """Lifting a suspension or a ban changes no vote and no review: the moderation service tells
    the next rerank (RerankPending), however long ago the votes were cast."""
    review = make_review(product=product)
    voters = [seasoned_user() for _ in range(2)]
    add_votes(review, helpful=2, voters=voters)
    rerank(full=True)
    if lift == "unsuspend":
        services.user_suspend(user=voters[0], moderator=moderator, days=7, reason="Spam")
    else:
        services.user_ban(user=voters[0], moderator=moderator, reason="Sock puppet")
    rerank()
    assert helpful_weight(review) == pytest.approx(BASE_WEIGHT, abs=1e-6)
    settle_in_the_past()  # the votes and the last run lie far outside the watermark overlap
    getattr(services, f"user_{lift}")(user=voters[0], moderator=moderator, reason="Appeal")
    result = rerank()
    assert result.kind == "incremental"
    assert helpful_weight(review) == pytest.approx(2 * BASE_WEIGHT, abs=1e-6)
