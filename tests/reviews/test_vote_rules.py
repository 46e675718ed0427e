"""Every rule of the one vote path (reviews.services._vote_write), through both its callers:
vote_cast (the web form, scripts) and vote_put (the API). Runs on SQLite and on PostgreSQL."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reviews import services
from reviews.models import HelpfulVote, Review, VoteTally
from tests.factories import BrandMembershipFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def cast(user, review, helpful=True):
    return services.vote_cast(user=user, review=review, helpful=helpful)


def put(user, review, helpful=True):
    return services.vote_put(user=user, review_id=review.pk, helpful=helpful)


PATHS = pytest.mark.parametrize("vote", [cast, put], ids=["vote_cast", "vote_put"])


def nothing_counted(review) -> bool:
    review.refresh_from_db()
    return (review.helpful_count, review.not_helpful_count) == (0, 0) and not VoteTally.objects.exists()


@PATHS
def test_no_vote_on_ones_own_review(vote):
    review = ReviewFactory()
    with pytest.raises(PermissionDenied, match="own review"):
        vote(review.author, review)
    assert nothing_counted(review)


@PATHS
def test_no_vote_while_suspended(vote):
    review = ReviewFactory()
    with pytest.raises(PermissionDenied, match="suspended"):
        vote(UserFactory(suspended_until=timezone.now() + timedelta(days=1)), review)
    assert nothing_counted(review)


@PATHS
def test_no_vote_by_a_member_of_the_reviewed_products_brand(vote):
    review = ReviewFactory()
    member = BrandMembershipFactory(brand=review.product.brand).user
    with pytest.raises(PermissionDenied, match="Members of a brand"):
        vote(member, review)
    assert nothing_counted(review)


@PATHS
def test_a_brand_member_cannot_change_a_vote_cast_before_joining_either(vote):
    """The veto covers every write of the vote, not only the first (the old pre_save signal
    only saw inserts)."""
    review, voter = ReviewFactory(), UserFactory()
    vote(voter, review, True)
    # Written around brands.services.membership_accept, which withdraws such votes.
    BrandMembershipFactory(brand=review.product.brand, user=voter)
    with pytest.raises(PermissionDenied, match="Members of a brand"):
        vote(voter, review, False)
    assert HelpfulVote.objects.get(user=voter, review=review).helpful is True


def test_only_published_reviews_take_votes():
    review = ReviewFactory()
    Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN)
    with pytest.raises(ValidationError, match="published"):
        cast(UserFactory(), review)
    with pytest.raises(Review.DoesNotExist):
        put(UserFactory(), review)
    assert nothing_counted(review)


@PATHS
def test_one_vote_per_person_a_new_one_replacing_the_old_with_exact_counts(vote):
    review, voter = ReviewFactory(), UserFactory()
    vote(voter, review, True)
    vote(voter, review, False)
    vote(voter, review, False)
    assert HelpfulVote.objects.filter(review=review).count() == 1
    review.refresh_from_db()
    assert (review.helpful_count, review.not_helpful_count) == (0, 1)
    tally = VoteTally.objects.get(voter=voter, author=review.author)
    assert (tally.votes, tally.helpful_votes) == (1, 0)


def test_a_vote_changed_behind_the_paths_back_is_read_again_not_miscounted(monkeypatch):
    """Compare-and-set: when the vote changes between the read and the write (another tab of the
    same voter), the write does nothing and the vote is read again."""
    review, voter = ReviewFactory(), UserFactory()
    put(voter, review, True)
    read = services._vote_target
    raced = []

    def racing_read(**kwargs):
        target = read(**kwargs)
        if not raced:  # the other tab changes the vote after this read
            raced.append(True)
            services.vote_put(user=voter, review_id=review.pk, helpful=False)
        return target

    monkeypatch.setattr(services, "_vote_target", racing_read)
    state = put(voter, review, False)
    assert (state.helpful, state.helpful_count, state.not_helpful_count) == (False, 0, 1)
    review.refresh_from_db()
    assert (review.helpful_count, review.not_helpful_count) == (0, 1)
