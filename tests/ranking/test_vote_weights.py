"""Vote events carry their voter's weight (ranking 0017): read with the vote-weight version, which
every change of a vote weight moves on, so a run looks up only the voters whose weight may have
changed since their vote was written."""

import pytest

from ranking.models import ReviewerStanding, VoteEvent, VoteWeightVersion
from tests.factories import ProductFactory
from tests.ranking.conftest import BASE_WEIGHT, add_votes, make_review, rerank, seasoned_user
from tests.ranking.test_job import FULL_ONLY
from tests.ranking.test_scoped import score_sums, two_category_author

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def weight_version(db):
    # Created by the migration; a test database flushed by a transactional test has lost it.
    VoteWeightVersion.objects.get_or_create(id=1)


def version() -> int:
    return VoteWeightVersion.objects.get(id=1).version


def test_a_vote_event_records_the_voters_weight_and_the_weight_version(category):
    review = make_review(product=ProductFactory(category=category))
    rerank(full=True)
    ranked_voter, newcomer = seasoned_user(), seasoned_user()
    ReviewerStanding.objects.create(user=ranked_voter, vote_weight=0.8)
    add_votes(review, helpful=1, unhelpful=1, voters=[ranked_voter, newcomer])
    events = {e.user_id: (e.weight, e.weight_version) for e in VoteEvent.objects.all()}
    assert events == {ranked_voter.pk: (0.8, version()), newcomer.pk: (None, version())}
    # Any change of a vote weight moves the version on; other changes to a standing do not.
    before = version()
    ReviewerStanding.objects.filter(user=ranked_voter).update(reputation=12.5)
    assert version() == before
    ReviewerStanding.objects.filter(user=ranked_voter).update(vote_weight=1.0)
    assert version() > before


def test_new_votes_take_their_weight_from_their_events(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    target = reviews[skincare][0]
    before = score_sums(target)
    add_votes(target, helpful=2, voters=voters[4:6])
    result = rerank()
    assert result.notes["voter_weights_looked_up"] == 0
    assert score_sums(target)["helpful_weight"] == pytest.approx(before["helpful_weight"] + 2 * BASE_WEIGHT)
    moved = score_sums(target)
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes
    assert score_sums(target) == moved


def test_a_weight_changed_after_the_vote_was_written_is_looked_up(category):
    """The event's weight is stale once a vote weight changed after it: the run reads the
    voter's standing instead (here the weight an earlier run would have written meanwhile)."""
    author, voters, skincare, haircare, reviews = two_category_author()
    target = reviews[skincare][0]
    before = score_sums(target)
    add_votes(target, helpful=1, voters=voters[5:6])
    ReviewerStanding.objects.filter(user=voters[5]).update(vote_weight=0.125)
    result = rerank()
    assert result.notes["voter_weights_looked_up"] == 1
    assert score_sums(target)["helpful_weight"] == pytest.approx(before["helpful_weight"] + 0.125)
