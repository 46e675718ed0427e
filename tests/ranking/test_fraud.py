"""Vote-fraud signals: serial voting and vote rings, their evidence, and what flags do to votes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ranking import scoring as S
from ranking import services
from ranking.fraud import strongly_connected
from ranking.models import FlaggedVote, FraudFlag, ReviewScore
from reviews import services as review_services
from tests.factories import UserFactory
from tests.ranking.conftest import BASE_WEIGHT, add_votes, make_review, rerank, seasoned_user

pytestmark = pytest.mark.django_db


def weight(review) -> float:
    return ReviewScore.objects.get(pk=review.pk).helpful_weight


def serial_case(count=6, spacing=timedelta(minutes=10)):
    author, voter = seasoned_user(), seasoned_user()
    reviews = [make_review(author=author) for _ in range(count)]
    start = timezone.now() - timedelta(days=3)
    for i, review in enumerate(reviews):
        add_votes(review, helpful=1, voters=[voter], at=start + i * spacing)
    return author, voter, reviews


def test_serial_voting_is_flagged_with_evidence_and_discounted():
    author, voter, reviews = serial_case()
    rerank(full=True)
    flag = FraudFlag.objects.get(kind=FraudFlag.Kind.SERIAL_VOTING)
    assert flag.status == FraudFlag.Status.OPEN and list(flag.accounts.all()) == [voter]
    assert flag.evidence["votes_in_bursts"] == 6 and flag.evidence["max_votes_in_24h"] == 6
    assert flag.evidence["author"] == author.username and len(flag.evidence["review_ids"]) == 6
    assert FlaggedVote.objects.filter(flag=flag).count() == 6
    capped = BASE_WEIGHT * S.VOTER_AUTHOR_CAP / 6
    assert [weight(r) for r in reviews] == pytest.approx([capped * S.FLAG_OPEN_FACTOR] * 6)
    assert rerank(full=True).rows_changed == 0  # found again, not duplicated


def test_serial_voting_is_caught_by_the_incremental_run():
    author = seasoned_user()
    reviews = [make_review(author=author) for _ in range(5)]
    rerank(full=True)
    voter = seasoned_user()
    for review in reviews:
        review_services.vote_cast(user=voter, review=review, helpful=False)  # a rival, this time
    result = rerank()
    assert result.kind == "incremental" and result.changes["fraud_flags"] == 1
    assert FraudFlag.objects.get().evidence["voter"] == voter.username


def test_votes_spread_over_days_are_capped_but_not_flagged():
    serial_case(count=6, spacing=timedelta(hours=30))
    rerank(full=True)
    assert not FraudFlag.objects.exists()


def test_confirmed_flags_exclude_votes_and_dismissed_ones_restore_them():
    moderator = UserFactory(is_superuser=True)
    _, _, reviews = serial_case()
    rerank(full=True)
    flag = FraudFlag.objects.get()
    services.fraud_flag_resolve(flag=flag, moderator=moderator, status=FraudFlag.Status.CONFIRMED, note="bot")
    rerank()
    assert [weight(r) for r in reviews] == [0.0] * 6
    services.fraud_flag_resolve(flag=flag, moderator=moderator, status=FraudFlag.Status.DISMISSED)
    rerank()
    assert [weight(r) for r in reviews] == pytest.approx([BASE_WEIGHT * S.VOTER_AUTHOR_CAP / 6] * 6)
    rerank(full=True)  # detection does not reopen what a moderator dismissed
    assert FraudFlag.objects.get().status == FraudFlag.Status.DISMISSED


def test_only_moderators_resolve_flags():
    from django.core.exceptions import PermissionDenied, ValidationError

    serial_case()
    rerank(full=True)
    flag = FraudFlag.objects.get()
    with pytest.raises(PermissionDenied):
        services.fraud_flag_resolve(flag=flag, moderator=seasoned_user(), status=FraudFlag.Status.DISMISSED)
    with pytest.raises(ValidationError):
        services.fraud_flag_resolve(flag=flag, moderator=UserFactory(is_superuser=True), status="maybe")


def ring_of(members, votes_each=4):
    """Each member votes helpful on `votes_each` reviews of the next member, one a day."""
    start = timezone.now() - timedelta(days=30)
    for i, voter in enumerate(members):
        target = members[(i + 1) % len(members)]
        for day in range(votes_each):
            add_votes(make_review(author=target), helpful=1, voters=[voter], at=start + timedelta(days=day, hours=i))


def test_a_vote_ring_is_flagged():
    members = [seasoned_user() for _ in range(3)]
    ring_of(members)
    outsider = seasoned_user()
    add_votes(make_review(author=members[0]), helpful=1, voters=[outsider])
    rerank(full=True)
    flag = FraudFlag.objects.get(kind=FraudFlag.Kind.VOTE_RING)
    assert set(flag.accounts.all()) == set(members)
    assert [m["inside_share"] for m in flag.evidence["members"]] == [1.0, 1.0, 1.0]
    assert flag.vote_count == 12 and FlaggedVote.objects.filter(flag=flag).count() == 12
    ring_review = ReviewScore.objects.filter(review__author=members[1], helpful_weight__gt=0).first()
    voter_weight = members[0].standing.vote_weight  # members write reviews too: level 2
    assert ring_review.helpful_weight == pytest.approx(voter_weight * S.VOTER_AUTHOR_CAP / 4 * S.FLAG_OPEN_FACTOR)
    assert rerank(full=True).rows_changed == 0


def test_mutual_fans_who_mostly_vote_elsewhere_are_not_a_ring():
    x, y = seasoned_user(), seasoned_user()
    ring_of([x, y])
    start = timezone.now() - timedelta(days=60)
    for voter in (x, y):
        for day in range(10):
            add_votes(make_review(), helpful=1, voters=[voter], at=start + timedelta(days=day))
    rerank(full=True)
    assert not FraudFlag.objects.filter(kind=FraudFlag.Kind.VOTE_RING).exists()


def test_strongly_connected_components():
    edges = {1: {2}, 2: {3}, 3: {1, 4}, 4: {5}, 5: {4}, 6: {1}}
    components = strongly_connected({1, 2, 3, 4, 5, 6}, edges)
    assert sorted(map(sorted, components)) == [[1, 2, 3], [4, 5]]
    chain = {i: {i + 1} for i in range(5000)}  # deep graphs do not hit the recursion limit
    chain[5000] = {0}
    assert len(strongly_connected(set(range(5001)), chain)[0]) == 5001
