"""VoteTally: one voter's votes on one author's reviews, kept exact in each vote's transaction."""

import random

import pytest
from django.db import connection

from reviews import services
from reviews.models import HelpfulVote, Review, VoteTally
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def tallies() -> dict[tuple[int, int], tuple[int, int]]:
    return {(t.voter_id, t.author_id): (t.votes, t.helpful_votes) for t in VoteTally.objects.all()}


def recounted() -> dict[tuple[int, int], tuple[int, int]]:
    """The tally computed from scratch, straight from the votes."""
    counts: dict[tuple[int, int], list[int]] = {}
    for vote in HelpfulVote.objects.select_related("review"):
        entry = counts.setdefault((vote.user_id, vote.review.author_id), [0, 0])
        entry[0] += 1
        entry[1] += int(vote.helpful)
    return {key: (n, h) for key, (n, h) in counts.items()}


def test_cast_change_and_remove_move_the_tally():
    author, voter = UserFactory(), UserFactory()
    first, second = ReviewFactory(author=author), ReviewFactory(author=author)

    services.vote_cast(user=voter, review=first, helpful=True)
    services.vote_cast(user=voter, review=second, helpful=False)
    assert tallies() == {(voter.pk, author.pk): (2, 1)}

    services.vote_cast(user=voter, review=second, helpful=True)  # changed its mind
    services.vote_cast(user=voter, review=second, helpful=True)  # same vote again: no change
    assert tallies() == {(voter.pk, author.pk): (2, 2)}

    services.vote_remove(user=voter, review=first)
    assert tallies() == {(voter.pk, author.pk): (1, 1)}
    services.vote_remove(user=voter, review=second)
    assert tallies() == {}  # no empty rows left behind


def test_deleting_a_review_takes_its_votes_out_of_the_tally():
    author, fan, other = UserFactory(), UserFactory(), UserFactory()
    kept, deleted = ReviewFactory(author=author), ReviewFactory(author=author)
    for review in (kept, deleted):
        services.vote_cast(user=fan, review=review, helpful=True)
    services.vote_cast(user=other, review=deleted, helpful=False)

    services.review_delete(review=deleted, user=author)

    assert tallies() == {(fan.pk, author.pk): (1, 1)}


def test_deleting_accounts_removes_their_tallies():
    author, voter, bystander = UserFactory(), UserFactory(), UserFactory()
    services.vote_cast(user=voter, review=ReviewFactory(author=author), helpful=True)
    services.vote_cast(user=bystander, review=ReviewFactory(author=voter), helpful=True)
    voter.delete()  # as voter and as author
    assert tallies() == {}
    assert tallies() == recounted()


def test_queryset_deletion_of_reviews_keeps_the_tally_exact():
    authors = UserFactory.create_batch(2)
    voters = UserFactory.create_batch(3)
    for author in authors:
        for review in ReviewFactory.create_batch(2, author=author):
            for voter in voters:
                services.vote_cast(user=voter, review=review, helpful=voter.pk % 2 == 0)
    Review.objects.filter(author=authors[0]).delete()  # e.g. a moderator's bulk clean-up
    assert tallies() == recounted()
    assert all(author == authors[1].pk for _voter, author in tallies())


def test_a_random_history_of_votes_matches_a_recount():
    rng = random.Random(7)
    authors = UserFactory.create_batch(3)
    voters = UserFactory.create_batch(5)
    reviews = [ReviewFactory(author=author) for author in authors for _ in range(3)]
    for _step in range(150):
        voter, review = rng.choice(voters), rng.choice(reviews)
        if rng.random() < 0.25:
            services.vote_remove(user=voter, review=review)
        else:
            services.vote_cast(user=voter, review=review, helpful=rng.random() < 0.7)
    assert tallies() == recounted()
    assert tallies(), "the history should leave some votes"


def test_recount_rebuilds_tallies_for_votes_written_around_the_services():
    author, voter = UserFactory(), UserFactory()
    review = ReviewFactory(author=author)
    with connection.cursor() as cursor:  # e.g. a bulk import
        cursor.execute(
            "INSERT INTO reviews_helpfulvote (user_id, review_id, helpful, created_at, updated_at) "
            "VALUES (%s, %s, %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            [voter.pk, review.pk, True],
        )
    VoteTally.objects.create(voter=voter, author=voter, votes=9, helpful_votes=9)  # stale junk
    assert services.vote_tally_recount() == 1
    assert tallies() == {(voter.pk, author.pk): (1, 1)}


def test_deleting_a_voter_takes_their_votes_out_of_counters_and_marks_reviews_changed():
    author, leaving, staying = UserFactory(), UserFactory(), UserFactory()
    review = ReviewFactory(author=author)
    services.vote_cast(user=leaving, review=review, helpful=True)
    services.vote_cast(user=staying, review=review, helpful=False)
    review.refresh_from_db()
    before = review.changed_at

    leaving.delete()

    review.refresh_from_db()
    assert (review.helpful_count, review.not_helpful_count) == (0, 1)
    assert review.changed_at > before
    assert tallies() == recounted() == {(staying.pk, author.pk): (1, 0)}


def test_an_admin_deleting_a_vote_goes_through_the_vote_service(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    author, voter = UserFactory(), UserFactory()
    review = ReviewFactory(author=author)
    vote = services.vote_cast(user=voter, review=review, helpful=True)
    client.force_login(admin_user)

    response = client.post(f"/admin/reviews/helpfulvote/{vote.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    review.refresh_from_db()
    assert not HelpfulVote.objects.exists()
    assert review.helpful_count == 0
    assert tallies() == {}
