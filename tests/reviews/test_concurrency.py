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
