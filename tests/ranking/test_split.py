"""A full rerank split by review-id ranges across workers commits the same ranking as one run."""

import io
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from ranking import services, tasks
from ranking.models import RerankRun, ReviewScore, SplitRun, StagedPart, StagedScore
from ranking.selectors import ranking_digest
from reviews import services as review_services
from reviews.models import HelpfulVote, Review
from tests.factories import ProductFactory
from tests.ranking.conftest import add_votes, make_review, seasoned_user
from tests.ranking.test_job import community

pytestmark = pytest.mark.django_db


def settle_in_the_past() -> None:
    """Date every write two hours back, past the watermark overlap, so that only what a test
    changes during a split counts as changed after the parts' snapshots."""
    past = timezone.now() - timedelta(hours=2)
    Review.objects.update(changed_at=past)
    HelpfulVote.objects.update(updated_at=past)


def stage_every_part(parts: int):
    """Begin a split run and stage each of its parts, one after the other."""
    split = services.rerank_split_begin(parts=parts)
    for low, high in split.ranges:
        services.rerank_stage_part(key=split.run_key, low=low, high=high)
    return split


def full_changes() -> dict:
    """A single-worker full run now: what it still had to change."""
    result = services.rerank(full=True)
    assert not result.skipped
    return result.changes


def test_split_ranges_cover_every_id_once():
    ranges = services.split_ranges(10, 109, 4)
    assert ranges[0][0] == 0 and ranges[-1][1] == services.OPEN_END
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert [high - low for low, high in ranges[1:-1]] == [25, 25]
    assert services.split_ranges(5, 5, 3)[0] == (0, 6)


def test_split_run_commits_the_same_ranking_as_a_single_run(category):
    community(category)
    settle_in_the_past()  # and no standing rows yet: the first run ever creates them
    first = services.rerank_split_in_process(parts=3)
    assert not first.skipped and first.changes["review_scores"] > 0
    split_digest = ranking_digest()
    assert full_changes() == {}  # a single worker finds nothing to change
    assert ranking_digest() == split_digest
    assert not StagedScore.objects.exists() and not StagedPart.objects.exists()
    assert SplitRun.objects.get().finished_at is not None


def test_changes_after_a_part_was_staged_are_not_lost(category):
    authors, voters, reviews = community(category)
    services.rerank(full=True)
    settle_in_the_past()
    split = services.rerank_split_begin(parts=2)
    (low1, high1), (low2, high2) = split.ranges
    services.rerank_stage_part(key=split.run_key, low=low1, high=high1)
    # After part 1's snapshot: new votes on its reviews, a voter suspended, a new review.
    staged = [r for r in reviews if low1 <= r.pk < high1]
    assert staged, "part 1 should hold some reviews"
    add_votes(staged[0], helpful=3)
    User.objects.filter(pk=voters[0].pk).update(suspended_until=timezone.now() + timedelta(days=3))
    make_review(author=authors[1], product=ProductFactory(category=category))
    assert services.rerank_stage_part(key=split.run_key, low=low2, high=high2) is True
    result = services.rerank_split_finish(key=split.run_key)
    assert result.notes["reviews_rescored_after_parts"] >= 1
    assert full_changes() == {}


def test_a_part_that_never_ran_is_computed_by_the_final_step(category):
    community(category)
    settle_in_the_past()
    split = services.rerank_split_begin(parts=2)
    low, high = split.ranges[0]
    assert services.rerank_stage_part(key=split.run_key, low=low, high=high) is False
    result = services.rerank_split_finish(key=split.run_key)  # the other worker was lost
    assert result.notes["parts_computed_by_final_step"] == 1
    assert full_changes() == {}


def test_split_run_through_the_celery_tasks(category):
    community(category)
    settle_in_the_past()
    tasks.rerank_split.delay(2)  # eager in tests: the parts, then the final step, run here
    split = SplitRun.objects.get()
    assert (split.parts_done, split.parts) == (2, 2) and split.finished_at is not None
    assert RerankRun.objects.filter(status=RerankRun.Status.DONE, kind="full").count() == 1
    assert services.lock_holder() is None  # released
    digest = ranking_digest()
    assert full_changes() == {} and ranking_digest() == digest


def test_the_split_holds_the_lock_until_it_finishes_and_redelivery_is_harmless(category):
    community(category)
    split = services.rerank_split_begin(parts=2)
    assert services.rerank_split_begin(parts=2) is None
    assert services.rerank().reason == "locked"
    for low, high in split.ranges:
        services.rerank_stage_part(key=split.run_key, low=low, high=high)
    assert not services.rerank_split_finish(key=split.run_key).skipped
    runs = RerankRun.objects.count()
    # A part or the final step delivered twice (e.g. a worker lost after finishing it):
    assert services.rerank_stage_part(key=split.run_key, low=split.ranges[0][0], high=split.ranges[0][1]) is False
    assert services.rerank_split_finish(key=split.run_key).reason == "finished"
    assert RerankRun.objects.count() == runs and not StagedScore.objects.exists()


def test_a_failed_part_abandons_the_split_and_releases_the_lock(category, monkeypatch):
    community(category)

    def broken(self, **kwargs):
        raise RuntimeError("worker lost its database connection")

    monkeypatch.setattr("ranking.engine.Engine.stage_part", broken)
    with pytest.raises(RuntimeError):
        tasks.rerank_split.delay(2)
    assert not SplitRun.objects.exists()
    assert services.lock_holder() is None
    assert not RerankRun.objects.exists()  # the previous ranking (none) stays


def test_split_runs_keep_votes_cast_during_them_exact(category):
    authors, voters, reviews = community(category)
    services.rerank(full=True)
    settle_in_the_past()
    split = stage_every_part(parts=2)
    review_services.vote_cast(user=seasoned_user(), review=reviews[0], helpful=True)
    services.rerank_split_finish(key=split.run_key)
    assert full_changes() == {}


def test_rerank_command_split_and_snapshot(category):
    community(category)
    out = io.StringIO()
    call_command("rerank", "--full", "--split", "2", "--no-progress", stdout=out)
    assert "full rerank done" in out.getvalue() and "rows changed" in out.getvalue()
    snap = io.StringIO()
    call_command("rerank", "--snapshot", stdout=snap)
    assert json.loads(snap.getvalue()) == ranking_digest()
    again = io.StringIO()
    call_command("rerank", "--full", "--no-progress", stdout=again)
    assert "0 rows changed" in again.getvalue()
    with pytest.raises(CommandError, match="--full"):
        call_command("rerank", "--split", "2")
    with pytest.raises(CommandError, match="--split"):
        call_command("rerank", "--full", "--via-workers")


def test_removing_a_photo_rescores_the_review_at_the_next_incremental_run(product):
    review = make_review(photos=2, product=product)
    services.rerank(full=True)
    settle_in_the_past()
    review_services.review_delete_photo(photo=review.photos.first(), user=review.author)
    services.rerank()  # incremental: finds the review by its changed_at
    assert ReviewScore.objects.get(pk=review.pk).photo_count == 1


def test_moving_a_product_to_another_category_rescores_its_reviews_at_the_next_incremental_run(product):
    from tests.factories import CategoryFactory

    review = make_review(product=product)
    services.rerank(full=True)
    settle_in_the_past()
    product.category = CategoryFactory()
    product.save()
    services.rerank()  # incremental: the reviews were marked changed
    assert ReviewScore.objects.get(pk=review.pk).category_id == product.category_id
    product.name = "Renamed"
    settle_in_the_past()
    product.save()  # not a move: the reviews' cards show the name (changed_at, a trigger), no score moves
    assert Review.objects.get(pk=review.pk).changed_at > timezone.now() - timedelta(minutes=1)
    services.rerank()
    assert ReviewScore.objects.get(pk=review.pk).category_id == product.category_id


@pytest.mark.parametrize(("parts", "task"), [("1", "ranking.tasks.rerank"), ("3", "ranking.tasks.rerank_split")])
def test_the_nightly_full_run_is_split_when_configured(parts, task):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "RANKING_FULL_SPLIT_PARTS": parts}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CELERY_BEAT_SCHEDULE['ranking-rerank-full'], default=str))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    entry = json.loads(out.stdout)
    assert entry["task"] == task
    assert entry["kwargs"] == ({"full": True} if parts == "1" else {"parts": 3})


def test_parts_stage_only_the_scores_that_changed(category):
    """A steady night stages a handful of rows, not every review: the parts compare with the
    stored scores, and the final step writes only what differs."""
    _, voters, reviews = community(category)
    services.rerank(full=True)
    settle_in_the_past()
    split = stage_every_part(parts=2)
    assert StagedScore.objects.count() == 0
    services.rerank_split_finish(key=split.run_key)

    settle_in_the_past()
    HelpfulVote.objects.filter(review=reviews[0]).update(helpful=False)  # no timestamps moved
    split = stage_every_part(parts=2)
    assert set(StagedScore.objects.values_list("review_id", flat=True)) == {reviews[0].pk}
    result = services.rerank_split_finish(key=split.run_key)
    assert result.changes["review_scores"] == 1
