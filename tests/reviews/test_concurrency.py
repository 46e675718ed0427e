"""Counters stay exact under concurrent writers. Only PostgreSQL can show races, so these run
there (skipped, and reported, on SQLite)."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from reviews import services
from reviews.models import HelpfulVote, Review, Save, VoteTally
from tests.factories import ReviewFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(workers: list[Callable[[], None]]) -> list[BaseException]:
    """Start every worker at the same instant on its own thread and database connection."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def wrap(work):
        try:
            barrier.wait()
            work()
        except BaseException as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_fifty_threads_voting_on_one_review_give_exact_counts():
    review = ReviewFactory()
    voters = UserFactory.create_batch(50)
    errors = run_at_once(
        [lambda v=v, i=i: services.vote_cast(user=v, review=review, helpful=i % 5 != 0) for i, v in enumerate(voters)]
    )
    assert errors == []
    review.refresh_from_db()
    assert review.helpful_count == 40
    assert review.not_helpful_count == 10
    assert HelpfulVote.objects.filter(review=review).count() == 50


def test_fifty_threads_changing_and_removing_votes_stay_exact():
    review = ReviewFactory()
    voters = UserFactory.create_batch(50)
    for voter in voters:
        services.vote_cast(user=voter, review=review, helpful=True)

    def churn(voter, i):
        if i % 2:
            services.vote_cast(user=voter, review=review, helpful=False)
        else:
            services.vote_remove(user=voter, review=review)

    assert run_at_once([lambda v=v, i=i: churn(v, i) for i, v in enumerate(voters)]) == []
    review.refresh_from_db()
    assert (review.helpful_count, review.not_helpful_count) == (0, 25)
    assert review.not_helpful_count == HelpfulVote.objects.filter(review=review, helpful=False).count()


def test_one_user_voting_from_many_tabs_counts_once():
    review = ReviewFactory()
    voter = UserFactory()
    errors = run_at_once([lambda: services.vote_cast(user=voter, review=review, helpful=True) for _ in range(20)])
    assert errors == []
    review.refresh_from_db()
    assert review.helpful_count == 1
    assert HelpfulVote.objects.filter(review=review).count() == 1
    assert VoteTally.objects.get(voter=voter, author=review.author).votes == 1


def test_one_voter_racing_over_one_authors_reviews_keeps_one_exact_tally():
    author, voter = UserFactory(), UserFactory()
    reviews = ReviewFactory.create_batch(20, author=author)
    errors = run_at_once(
        [lambda r=r, i=i: services.vote_cast(user=voter, review=r, helpful=i % 4 != 0) for i, r in enumerate(reviews)]
    )
    assert errors == []
    tally = VoteTally.objects.get(voter=voter, author=author)
    assert (tally.votes, tally.helpful_votes) == (20, 15)


def test_concurrent_saves_and_comments_keep_counters_exact():
    review = ReviewFactory()
    users = UserFactory.create_batch(30)
    work = [lambda u=u: services.save_add(user=u, review=review) for u in users]
    work += [lambda u=u: services.comment_create(author=u, review=review, body="+1") for u in users]
    # The same user saving twice at once must still count one save.
    work += [lambda: services.save_add(user=users[0], review=review)]
    assert run_at_once(work) == []
    review = Review.objects.get(pk=review.pk)
    assert review.save_count == Save.objects.filter(review=review).count() == 30
    assert review.comment_count == 30


def test_same_author_posting_twice_at_once_creates_one_review():
    from django.core.exceptions import ValidationError

    from tests.factories import ProductFactory

    author, product = UserFactory(), ProductFactory()
    errors = run_at_once(
        [
            lambda: services.review_create(author=author, product=product, rating=5, title="t", body="b")
            for _ in range(5)
        ]
    )
    assert Review.objects.filter(author=author, product=product).count() == 1
    assert len(errors) == 4 and all(isinstance(e, ValidationError) for e in errors)


# --- the vote API's one-statement path (reviews.services.vote_put / vote_delete) ---------------


def assert_votes_exact(*reviews: Review) -> None:
    """Counters equal the vote rows, and every tally equals a recount from the votes."""
    from django.db.models import Count, Q

    for review in Review.objects.filter(pk__in=[r.pk for r in reviews]).annotate(
        up=Count("votes", filter=Q(votes__helpful=True)), down=Count("votes", filter=Q(votes__helpful=False))
    ):
        assert (review.helpful_count, review.not_helpful_count) == (review.up, review.down)
    recount: dict[tuple[int, int], list[int]] = {}
    for user_id, author_id, helpful in HelpfulVote.objects.values_list("user_id", "review__author_id", "helpful"):
        entry = recount.setdefault((user_id, author_id), [0, 0])
        entry[0] += 1
        entry[1] += int(helpful)
    tallies = {(t.voter_id, t.author_id): [t.votes, t.helpful_votes] for t in VoteTally.objects.all()}
    assert tallies == recount


def test_hot_review_churn_through_the_api_path_stays_exact():
    """Half the voters on one hot review, the rest spread; first votes, changes, repeats and
    withdrawals all at once, as the load benchmark sends them."""
    hot, author = ReviewFactory(), UserFactory()
    others = ReviewFactory.create_batch(4, author=author)
    voters = UserFactory.create_batch(40)
    for voter in voters[::2]:  # some votes exist already, to be changed or withdrawn
        services.vote_put(user=voter, review_id=hot.pk, helpful=True)

    def work(i: int, voter):
        target = hot if i % 2 == 0 else others[i % 4]
        for step in range(4):
            if (i + step) % 3 == 2:
                services.vote_delete(user=voter, review_id=target.pk)
            else:
                services.vote_put(user=voter, review_id=target.pk, helpful=(i + step) % 2 == 0)

    assert run_at_once([lambda i=i, v=v: work(i, v) for i, v in enumerate(voters)]) == []
    assert_votes_exact(hot, *others)


def test_one_user_from_many_tabs_through_the_api_path_counts_once():
    review, voter = ReviewFactory(), UserFactory()
    errors = run_at_once(
        [lambda i=i: services.vote_put(user=voter, review_id=review.pk, helpful=i % 2 == 0) for i in range(20)]
        + [lambda: services.vote_delete(user=voter, review_id=review.pk) for _ in range(5)]
    )
    assert errors == []
    assert HelpfulVote.objects.filter(review=review).count() <= 1
    assert_votes_exact(review)


def test_one_voter_racing_over_one_authors_reviews_through_the_api_path():
    author, voter = UserFactory(), UserFactory()
    reviews = ReviewFactory.create_batch(20, author=author)
    work = [
        lambda r=r, i=i: services.vote_put(user=voter, review_id=r.pk, helpful=i % 4 != 0)
        for i, r in enumerate(reviews)
    ]
    assert run_at_once(work) == []
    assert (VoteTally.objects.get(voter=voter, author=author).votes, VoteTally.objects.get().helpful_votes) == (20, 15)
    assert run_at_once([lambda r=r: services.vote_delete(user=voter, review_id=r.pk) for r in reviews]) == []
    assert not VoteTally.objects.exists()
    assert_votes_exact(*reviews)


def test_each_helpful_milestone_is_announced_once_under_concurrent_votes():
    from accounts.models import Notification

    review = ReviewFactory()
    voters = UserFactory.create_batch(12)
    assert run_at_once([lambda v=v: services.vote_put(user=v, review_id=review.pk, helpful=True) for v in voters]) == []
    milestones = Notification.objects.filter(recipient=review.author, kind=Notification.Kind.HELPFUL_MILESTONE)
    assert sorted(milestones.values_list("data__milestone", flat=True)) == [1, 10]
