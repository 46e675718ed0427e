"""The rerank job: idempotence, incremental = full, the lock, a killed run, concurrent votes."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ranking import services, tasks
from ranking.engine import PG_ADVISORY_KEY, Engine
from ranking.models import CategoryStanding, RerankRun, ReviewerStanding, ReviewScore, VotePair
from reviews import services as review_services
from reviews.models import Review
from tests.factories import CommentFactory, ProductFactory
from tests.ranking.conftest import BASE_WEIGHT, add_votes, make_review, rerank, seasoned_user

pytestmark = pytest.mark.django_db

# What only a full run does may legitimately differ after incremental runs: refresh the category
# priors (and so product scores), reviewer ranks (the nightly top-N badges), and create standing
# rows for members who never voted or wrote.
FULL_ONLY = {
    "category_priors",
    "product_scores",
    "product_ranks",
    "overall_ranks",
    "category_ranks",
    "standings_created",
}


def community(category):
    """A small but varied community: several authors and categories, a fan, a hidden review."""
    authors = [seasoned_user() for _ in range(4)]
    voters = [seasoned_user() for _ in range(8)]
    products = [ProductFactory(category=category) for _ in range(3)] + [ProductFactory()]
    reviews = []
    for i, product in enumerate(products):
        for j, author in enumerate(authors):
            review = make_review(author=author, product=product, photos=(i + j) % 4, rating=1 + (i + j) % 5)
            add_votes(review, helpful=(i + 2 * j) % 5, unhelpful=(i + j) % 3, voters=voters[(i + j) % 3 :])
            reviews.append(review)
    now = timezone.now()
    for day, review in enumerate(reviews[:: len(authors)]):  # a fan of authors[0], one vote a day
        add_votes(review, helpful=1, voters=[voters[-1]], at=now - timedelta(days=day + 2))
    Review.objects.filter(pk=reviews[-1].pk).update(status=Review.Status.HIDDEN)
    return authors, voters, reviews


def snapshot(ranks: bool = True):
    standing = ["user_id", "reputation", "level", "vote_weight"] + (["overall_rank"] if ranks else [])
    category = ["user_id", "category_id", "reputation", "is_expert"] + (["rank"] if ranks else [])
    return (
        sorted(ReviewScore.objects.values_list("review_id", "quality", "discover", "helpful_weight", "ranked")),
        sorted(ReviewerStanding.objects.values_list(*standing)),
        sorted(CategoryStanding.objects.values_list(*category)),
        sorted(VotePair.objects.values_list("voter_id", "author_id", "votes")),
    )


def test_the_first_run_is_full_and_the_second_changes_nothing(category):
    community(category)
    first = services.rerank()
    assert first.kind == "full" and first.rows_changed > 0
    assert rerank(full=True).rows_changed == 0
    again = rerank()
    assert again.kind == "incremental" and again.rows_changed == 0
    assert RerankRun.objects.filter(status=RerankRun.Status.DONE).count() == 3


def test_incremental_reaches_the_same_ranking_as_a_full_run(category):
    authors, voters, reviews = community(category)
    rerank(full=True)
    newcomer = seasoned_user()
    new_review = make_review(author=newcomer, product=reviews[0].product, photos=1)
    review_services.vote_cast(user=voters[0], review=new_review, helpful=True)
    review_services.vote_cast(user=voters[1], review=reviews[1], helpful=False)  # changes a vote
    review_services.vote_remove(user=voters[2], review=reviews[2])
    review_services.review_update(review=reviews[3], editor=reviews[3].author, body="Short now.")
    review_services.review_delete(review=reviews[4], user=reviews[4].author)
    CommentFactory(review=reviews[5])
    incremental = rerank()
    assert incremental.kind == "incremental"
    assert incremental.changes["review_scores"] >= 4
    state = snapshot(ranks=False)
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes
    after = snapshot(ranks=False)
    known = {row[0] for row in state[1]}
    assert [row for row in after[1] if row[0] in known] == state[1]
    assert all(row[1:3] == (0.0, 1) for row in after[1] if row[0] not in known)
    assert (after[0], after[2], after[3]) == (state[0], state[2], state[3])


def test_incremental_touches_only_what_changed(category):
    _, voters, reviews = community(category)
    rerank(full=True)
    review_services.vote_cast(user=seasoned_user(), review=reviews[0], helpful=True)
    result = rerank()
    assert result.changes["review_scores"] == 1
    assert result.changes.get("standings", 0) <= 1  # the author's reputation


def test_a_vote_committed_during_the_previous_run_is_not_missed(product):
    """A vote whose transaction began before a run (older timestamps) but committed after the
    run's snapshot is picked up thanks to the watermark overlap."""
    review = make_review(product=product)
    first = rerank(full=True)
    before = first.started_at - timedelta(seconds=10)
    add_votes(review, helpful=1, at=before)
    Review.objects.filter(pk=review.pk).update(changed_at=before)
    rerank()
    assert ReviewScore.objects.get(pk=review.pk).helpful_weight == pytest.approx(BASE_WEIGHT)


def test_a_run_never_overlaps_another(product, monkeypatch):
    make_review(product=product)
    # Another run is alive (on PostgreSQL: it holds the advisory lock; see the next test).
    monkeypatch.setattr(services, "_lock_holder_is_gone", lambda: False)
    assert services._lock_take("another-run")
    result = services.rerank(full=True)
    assert result.skipped and result.reason == "locked"
    assert not ReviewScore.objects.exists() and not RerankRun.objects.exists()
    services.lock_release("another-run")
    assert not rerank(full=True).skipped
    assert services.lock_holder() is None  # released after the run


@pytest.mark.postgres
def test_a_dead_runs_lock_is_taken_over_only_when_no_run_holds_the_advisory_lock(product):
    from django.db import connections

    make_review(product=product)
    assert services._lock_take("killed-worker")  # left by a run killed mid-way
    other = connections.create_connection("default")  # a live run elsewhere
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [PG_ADVISORY_KEY])
        assert not services._lock_holder_is_gone()
        assert services.rerank(full=True).reason == "locked"
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PG_ADVISORY_KEY])
    finally:
        other.close()
    assert services._lock_holder_is_gone()
    result = services.rerank(full=True)
    assert not result.skipped and ReviewScore.objects.exists()
    assert services.lock_holder() is None  # our lock, released after the run


def test_the_lock_expires(product, monkeypatch, settings):
    from ranking.models import RerankState

    make_review(product=product)
    monkeypatch.setattr(services, "_lock_holder_is_gone", lambda: False)  # a live run elsewhere
    assert services._lock_take("a-run-killed-on-sqlite")
    expires = RerankState.objects.get().lock_expires_at
    assert expires - timezone.now() > timedelta(seconds=settings.RANKING_LOCK_TIMEOUT - 60)
    assert services.rerank(full=True).reason == "locked"
    RerankState.objects.update(lock_expires_at=timezone.now() - timedelta(seconds=1))  # time passes
    assert not rerank(full=True).skipped


def test_a_run_killed_midway_leaves_the_previous_ranking_intact(category, monkeypatch):
    _, voters, reviews = community(category)
    rerank(full=True)
    before = snapshot()
    add_votes(reviews[0], helpful=5)
    add_votes(make_review(product=reviews[0].product), helpful=2)

    def killed(self, *args, **kwargs):
        raise RuntimeError("killed midway")

    monkeypatch.setattr(Engine, "product_scores", killed)  # after scores and standings were written
    with pytest.raises(RuntimeError):
        services.rerank()
    assert snapshot() == before
    assert RerankRun.objects.filter(status=RerankRun.Status.FAILED).count() == 1
    assert services.lock_holder() is None
    monkeypatch.undo()
    # The watermark did not move: the next run does the work the killed one could not.
    assert rerank().changes["review_scores"] >= 2
    assert snapshot() != before


def test_celery_task_is_a_thin_wrapper(product):
    make_review(product=product)
    outcome = tasks.rerank.apply(kwargs={"full": True}).get()
    assert outcome["kind"] == "full" and outcome["rows_changed"] > 0
    assert tasks.rerank.apply().get()["rows_changed"] == 0


def test_rerank_command(product):
    make_review(product=product)
    out = io.StringIO()
    call_command("rerank", "--full", stdout=out, stderr=io.StringIO())
    assert "full rerank done" in out.getvalue() and "review_scores=1" in out.getvalue()
    out = io.StringIO()
    call_command("rerank", "--no-progress", stdout=out)
    assert "nothing changed" in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_votes_during_a_run_are_kept_and_readers_never_see_half_a_run(monkeypatch):
    product = ProductFactory()
    voted, other = make_review(product=product), make_review(product=product)
    add_votes(voted, helpful=3)
    rerank(full=True)
    before = ReviewScore.objects.get(pk=voted.pk).quality
    add_votes(voted, helpful=4, unhelpful=1)  # the next run rewrites this score

    paused, resume = threading.Event(), threading.Event()
    real_product_scores = Engine.product_scores

    def slow_product_scores(self, *args, **kwargs):
        paused.set()
        assert resume.wait(20)
        return real_product_scores(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "product_scores", slow_product_scores)
    outcome = {}

    def run():
        try:
            outcome["result"] = services.rerank()
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert paused.wait(20)
        # The run has rewritten the score inside its transaction; readers still see the old one.
        assert ReviewScore.objects.get(pk=voted.pk).quality == before
        # A vote cast and committed while the run is in flight is not blocked...
        review_services.vote_cast(user=seasoned_user(), review=other, helpful=True)
    finally:
        resume.set()
        worker.join(30)
    assert outcome["result"].changes["review_scores"] >= 1
    assert ReviewScore.objects.get(pk=voted.pk).quality > before
    monkeypatch.undo()
    # ...and not lost: the next run counts it, and a full run then finds nothing left to fix.
    rerank()
    assert ReviewScore.objects.get(pk=other.pk).helpful_weight == pytest.approx(BASE_WEIGHT)
    assert set(rerank(full=True).changes) <= FULL_ONLY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_do_not_both_write(monkeypatch):
    """Even with the run lock gone (expired), the PostgreSQL advisory lock keeps runs apart."""
    product = ProductFactory()
    add_votes(make_review(product=product), helpful=2)
    paused, resume = threading.Event(), threading.Event()
    real = Engine.product_scores

    def slow(self, *args, **kwargs):
        paused.set()
        assert resume.wait(20)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "product_scores", slow)
    outcome = {}

    def run():
        try:
            outcome["first"] = services.rerank(full=True)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert paused.wait(20)
        services.lock_release(services.lock_holder())  # as if the run lock had expired
        second = services.rerank(full=True)
        assert second.skipped and second.reason == "busy"
    finally:
        resume.set()
        worker.join(30)
    assert not outcome["first"].skipped
