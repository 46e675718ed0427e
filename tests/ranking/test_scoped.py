"""Scoped (incremental) runs recompute only the category standings their changes touch, and
still reach what a full run computes. Every write is dated past the watermark overlap first, so
only the changes under test are in scope."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ranking import scoring as S
from ranking.models import (
    CategoryStanding,
    FlaggedVote,
    FraudFlag,
    ProductScore,
    ReviewerStanding,
    ReviewScore,
    VoteEvent,
)
from reviews import services as review_services
from reviews.models import HelpfulVote, Review
from tests.factories import CategoryFactory, ProductFactory
from tests.ranking.conftest import BASE_WEIGHT, add_votes, make_review, rerank, seasoned_user
from tests.ranking.test_job import FULL_ONLY, snapshot
from tests.ranking.test_split import settle_in_the_past

pytestmark = pytest.mark.django_db


def two_category_author():
    skincare, haircare = CategoryFactory(), CategoryFactory()
    author = seasoned_user()
    voters = [seasoned_user() for _ in range(6)]
    reviews = {
        category: [make_review(author=author, product=ProductFactory(category=category)) for _ in range(2)]
        for category in (skincare, haircare)
    }
    for review_list in reviews.values():
        for review in review_list:
            add_votes(review, helpful=4, voters=voters[:4])
    rerank(full=True)
    settle_in_the_past()
    return author, voters, skincare, haircare, reviews


def assert_full_run_agrees():
    state = snapshot(ranks=False)
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes
    assert snapshot(ranks=False)[2] == state[2]  # category standings


def test_a_vote_recomputes_only_its_categorys_standing(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    before = {cs.category_id: cs.reputation for cs in CategoryStanding.objects.filter(user=author)}
    review_services.vote_cast(user=voters[5], review=reviews[skincare][0], helpful=True)
    result = rerank()
    assert result.changes.get("category_standings") == 1
    after = {cs.category_id: cs.reputation for cs in CategoryStanding.objects.filter(user=author)}
    assert after[skincare.pk] > before[skincare.pk] and after[haircare.pk] == before[haircare.pk]
    assert_full_run_agrees()


def test_deleting_an_authors_last_review_in_a_category_removes_that_standing(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    for review in reviews[haircare]:
        review_services.review_delete(review=review, user=author)
    rerank()
    assert set(CategoryStanding.objects.filter(user=author).values_list("category_id", flat=True)) == {skincare.pk}
    assert_full_run_agrees()


def test_hiding_a_review_and_a_level_change_settle_like_a_full_run(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    newcomer = seasoned_user()
    review = make_review(author=newcomer, product=ProductFactory(category=haircare))
    add_votes(review, helpful=6, voters=[seasoned_user() for _ in range(6)])
    review_services.vote_cast(user=newcomer, review=reviews[skincare][1], helpful=False)
    Review.objects.filter(pk=reviews[haircare][0].pk).update(status=Review.Status.HIDDEN, changed_at=timezone.now())
    rerank()
    assert_full_run_agrees()


def test_a_full_run_inserts_updates_and_deletes_category_standings(category):
    author, voters, skincare, haircare, reviews = two_category_author()
    newcomer = seasoned_user()
    make_review(author=newcomer, product=ProductFactory(category=skincare))  # a new pair
    add_votes(reviews[skincare][0], helpful=1, voters=[voters[5]])  # a changed pair
    for review in reviews[haircare]:  # a pair that disappears
        review_services.review_delete(review=review, user=author)
    before = CategoryStanding.objects.get(user=author, category=skincare).reputation
    result = rerank(full=True)
    assert result.changes["category_standings"] == 3
    pairs = set(CategoryStanding.objects.values_list("user_id", "category_id"))
    assert pairs == {(author.pk, skincare.pk), (newcomer.pk, skincare.pk)}
    assert CategoryStanding.objects.get(user=author, category=skincare).reputation > before
    assert rerank(full=True).changes.get("category_standings", 0) == 0


def test_a_review_moved_to_another_product_refreshes_both_products_and_categories(category):
    """A scoped run recomputes what the changed score rows touched before and after the change:
    the product and category a review leaves as well as the ones it joins."""
    author, voters, skincare, haircare, reviews = two_category_author()
    moved = reviews[skincare][0]
    leaving, joining = moved.product, ProductFactory(category=haircare)
    assert ProductScore.objects.get(product=leaving).review_count == 1
    Review.objects.filter(pk=moved.pk).update(product=joining, changed_at=timezone.now())
    result = rerank()
    assert result.kind == "incremental"
    assert ProductScore.objects.get(product=leaving).review_count == 0
    assert ProductScore.objects.get(product=joining).review_count == 1
    counts = dict(CategoryStanding.objects.filter(user=author).values_list("category_id", "review_count"))
    assert counts == {skincare.pk: 1, haircare.pk: 3}
    assert_full_run_agrees()
    assert ProductScore.objects.get(product=leaving).review_count == 0


def product_figures():
    return sorted(
        ProductScore.objects.values_list(
            "product_id", "review_count", "average_rating", "weight_sum", "weighted_rating_sum"
        )
    )


def test_product_sums_moved_by_scoped_runs_equal_a_full_recount(category):
    """Scoped runs move a product's sums by what its changed score rows add and take away; over
    several runs (votes, a rating edit, a hidden review, a move, a new and a deleted review) the
    figures stay exactly those a full run counts from every score row."""
    author, voters, skincare, haircare, reviews = two_category_author()
    shared = ProductFactory(category=skincare)
    extra = [make_review(product=shared, rating=rating) for rating in (5, 4, 2)]
    add_votes(extra[0], helpful=3, voters=voters[:3])
    rerank(full=True)
    settle_in_the_past()
    steps = [
        lambda: add_votes(extra[1], helpful=2, unhelpful=1, voters=voters[:3]),
        lambda: Review.objects.filter(pk=extra[2].pk).update(rating=5, changed_at=timezone.now()),
        lambda: Review.objects.filter(pk=extra[0].pk).update(status=Review.Status.HIDDEN, changed_at=timezone.now()),
        lambda: Review.objects.filter(pk=reviews[haircare][0].pk).update(product=shared, changed_at=timezone.now()),
        lambda: add_votes(make_review(product=shared, rating=1), helpful=1, voters=voters[5:6]),
        lambda: review_services.review_delete(review=extra[1], user=extra[1].author),
    ]
    for step in steps:
        step()
        assert rerank().kind == "incremental"
        moved = product_figures()
        # (A full run also refreshes the category priors, so Bayesian scores may move: not compared.)
        rerank(full=True)
        assert product_figures() == moved, step
        settle_in_the_past()
    # Ranked on `shared`: the edited review, the moved one and the new one (one hidden, one deleted).
    assert ProductScore.objects.get(product=shared).review_count == 3


def standing_figures():
    return sorted(
        ReviewerStanding.objects.values_list(
            "user_id",
            "reputation",
            "level",
            "review_points",
            "review_count",
            "recent_review_count",
            "helpful_weight_received",
            "unhelpful_weight_received",
        )
    )


def test_standings_moved_by_scoped_runs_equal_a_full_recount(category):
    """A scoped run moves an author's sums by what their changed score rows add and take when
    the rows only changed figures (votes, a vote changed or withdrawn, an edit), and counts the
    author again when a row came, went or changed author or ranking; either way the standings are
    exactly those a full run counts from every score row."""
    author, voters, skincare, haircare, reviews = two_category_author()
    first, second = reviews[skincare]
    late_voters = [seasoned_user() for _ in range(3)]
    rerank(full=True)
    settle_in_the_past()
    steps = [
        ("moved", lambda: add_votes(first, helpful=2, unhelpful=1, voters=late_voters)),
        ("moved", lambda: review_services.vote_cast(user=late_voters[2], review=first, helpful=True)),
        ("moved", lambda: review_services.vote_remove(user=late_voters[0], review=first)),
        ("moved", lambda: review_services.review_update(review=second, editor=author, body="Short now.")),
        (
            "recounted",
            lambda: Review.objects.filter(pk=second.pk).update(status=Review.Status.HIDDEN, changed_at=timezone.now()),
        ),
        (
            "recounted",
            lambda: add_votes(
                make_review(author=author, product=ProductFactory(category=haircare)), helpful=1, voters=late_voters[:1]
            ),
        ),
        ("recounted", lambda: review_services.review_delete(review=reviews[haircare][0], user=author)),
    ]
    for path, step in steps:
        step()
        result = rerank()
        assert result.kind == "incremental"
        assert bool(result.notes.get("standings_recounted")) == (path == "recounted"), (path, result.notes)
        scoped = standing_figures()
        assert rerank(full=True).changes.get("standings", 0) == 0, path
        known = {row[0] for row in scoped}  # (a full run also gives new users a standing)
        assert [row for row in standing_figures() if row[0] in known] == scoped, path
        settle_in_the_past()
    assert ReviewerStanding.objects.get(user=author).review_count == 3


def test_a_standing_never_summed_is_counted_again_not_moved(category):
    """A standing with no review points on record (never summed: written before the column
    existed) holds no sums to move: when its author's reviews only change figures, the scoped run
    counts it from every score row, as a full run does."""
    author, voters, skincare, haircare, reviews = two_category_author()
    ReviewerStanding.objects.filter(user=author).update(
        review_points=None, helpful_weight_received=0, review_count=0, reputation=0
    )
    add_votes(reviews[skincare][0], helpful=1, voters=voters[5:6])
    assert rerank().kind == "incremental"
    scoped = standing_figures()
    standing = ReviewerStanding.objects.get(user=author)
    assert standing.review_points is not None and standing.review_count == 4
    assert rerank(full=True).changes.get("standings", 0) == 0
    assert standing_figures() == scoped


def category_figures():
    return sorted(
        CategoryStanding.objects.values_list(
            "user_id",
            "category_id",
            "reputation",
            "review_points",
            "review_count",
            "helpful_weight_received",
            "is_expert",
        )
    )


def hide(review):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN, changed_at=timezone.now())


def test_category_standings_moved_by_scoped_runs_equal_a_full_recount(category):
    """As for the standings: an (author, category) pair whose changed score rows only changed
    figures has its sums moved by the differences, any other change counts the pair again, and
    either way the category standings are exactly those a full run counts."""
    author, voters, skincare, haircare, reviews = two_category_author()
    first, second = reviews[skincare]
    late_voters = [seasoned_user() for _ in range(3)]
    rerank(full=True)
    settle_in_the_past()
    assert all(row[3] is not None for row in category_figures())  # summed by the full run
    steps = [
        ("moved", lambda: add_votes(first, helpful=2, unhelpful=1, voters=late_voters)),
        ("moved", lambda: review_services.vote_cast(user=late_voters[2], review=first, helpful=True)),
        ("moved", lambda: review_services.vote_remove(user=late_voters[0], review=first)),
        ("moved", lambda: review_services.review_update(review=second, editor=author, body="Short now.")),
        # A row leaving or joining the pair, beside another one whose figures only moved.
        ("recounted", lambda: (hide(second), add_votes(first, helpful=1, voters=[seasoned_user()]))),
        (
            "recounted",
            lambda: (
                add_votes(
                    make_review(author=author, product=ProductFactory(category=haircare)),
                    helpful=1,
                    voters=late_voters[:1],
                ),
                add_votes(reviews[haircare][1], helpful=1, voters=late_voters[1:2]),
            ),
        ),
        ("recounted", lambda: review_services.review_delete(review=reviews[haircare][0], user=author)),
    ]
    for path, step in steps:
        before = category_figures()
        step()
        result = rerank()
        assert result.kind == "incremental"
        assert bool(result.notes.get("category_standings_recounted")) == (path == "recounted"), (path, result.notes)
        scoped = category_figures()
        assert scoped != before, path
        assert rerank(full=True).changes.get("category_standings", 0) == 0, path
        assert category_figures() == scoped, path
        settle_in_the_past()
    counts = dict(CategoryStanding.objects.filter(user=author).values_list("category_id", "review_count"))
    assert counts == {skincare.pk: 1, haircare.pk: 2}


def hot_and_all_updates(table: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_hot_updated(%s::regclass), pg_stat_get_xact_tuples_updated(%s::regclass)",
            [table, table],
        )
        return cursor.fetchone()


def test_incremental_runs_move_standings_in_place(category):
    """With no index on a figure a run moves (ranking 0013 and 0014), PostgreSQL updates those rows
    on their own page and enters no index (a HOT update): half the cost of those writes."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: HOT updates are PostgreSQL's")
    author, voters, skincare, haircare, reviews = two_category_author()
    rerank(full=True)
    settle_in_the_past()
    before = {
        t: hot_and_all_updates(t)
        for t in ("ranking_categorystanding", "ranking_reviewerstanding", "ranking_productscore")
    }
    add_votes(reviews[skincare][0], helpful=2, voters=[seasoned_user() for _ in range(2)])
    result = rerank()
    assert result.kind == "incremental" and result.changes.get("category_standings")
    moved = {t: tuple(a - b for a, b in zip(hot_and_all_updates(t), before[t], strict=True)) for t in before}
    hot, updated = moved["ranking_categorystanding"]
    assert updated >= 1 and hot == updated
    # A level change (in a partial index's condition) or a new rank is not in place: some, not all.
    for table in ("ranking_reviewerstanding", "ranking_productscore"):
        hot, updated = moved[table]
        assert updated >= 1 and hot >= 1, table


def test_a_level_change_scores_an_unseen_review_of_its_author_with_its_votes(category, monkeypatch):
    """The settle round keeps the stored vote sums of reviews whose voters' weights did not
    change; a review of the author with no score row yet (written by a bulk path, outside any
    run's scope) has none stored, so its votes are summed."""
    # One helpful vote (0.6) and one review's merit stay below 2; four helpful votes more pass it.
    monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, 2, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000])
    author = seasoned_user()
    first = make_review(author=author, product=ProductFactory(category=category))
    add_votes(first, helpful=1)
    voters = [seasoned_user() for _ in range(3)]
    rerank(full=True)  # (which gives the voters their standing and weight)
    unseen = make_review(author=author, product=ProductFactory(category=category))
    add_votes(unseen, helpful=2, unhelpful=1, voters=voters)
    settle_in_the_past()  # the unseen review and its votes are older than the next run's window
    ReviewScore.objects.filter(review=unseen).delete()
    level_before = ReviewerStanding.objects.get(user=author).level
    add_votes(first, helpful=4)
    assert rerank().kind == "incremental"
    assert ReviewerStanding.objects.get(user=author).level > level_before  # the settle round ran
    scoped = ReviewScore.objects.values("helpful_weight", "unhelpful_weight", "quality").get(review=unseen)
    assert scoped["helpful_weight"] > 0 and scoped["unhelpful_weight"] > 0
    rerank(full=True)
    assert ReviewScore.objects.values("helpful_weight", "unhelpful_weight", "quality").get(review=unseen) == scoped


def score_sums(review) -> dict:
    return ReviewScore.objects.values("helpful_weight", "unhelpful_weight", "quality", "discover").get(review=review)


def test_new_votes_move_their_reviews_stored_sums_exactly(category):
    """An incremental run adds what a review's new votes weigh to the sums its score row holds
    instead of summing all of its votes again; the figures are exactly those a full run counts.
    (The author's four regular voters are over the cap, the two newcomers are not.)"""
    author, voters, skincare, haircare, reviews = two_category_author()
    target = reviews[skincare][0]
    before = score_sums(target)
    add_votes(target, helpful=1, unhelpful=1, voters=voters[4:6])
    assert VoteEvent.objects.count() == 2
    result = rerank()
    assert result.kind == "incremental"
    assert result.notes["reviews_moved_by_new_votes"] == 1
    assert VoteEvent.objects.count() == 0  # taken by the run
    moved = score_sums(target)
    assert moved["helpful_weight"] == pytest.approx(before["helpful_weight"] + BASE_WEIGHT)
    assert moved["unhelpful_weight"] == pytest.approx(before["unhelpful_weight"] + BASE_WEIGHT)
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY, full.changes
    assert score_sums(target) == moved


def assert_summed_again_like_a_full_run(reviews_to_check, allowed=frozenset()):
    result = rerank()
    assert result.kind == "incremental"
    assert result.notes.get("reviews_moved_by_new_votes", 0) == 0
    figures = {review.pk: score_sums(review) for review in reviews_to_check}
    full = rerank(full=True)
    assert set(full.changes) <= FULL_ONLY | allowed, full.changes
    assert {review.pk: score_sums(review) for review in reviews_to_check} == figures
    return figures


def test_a_changed_or_withdrawn_vote_has_its_review_summed_again(category):
    """Only a vote cast moves stored sums by its weight: a vote changed or withdrawn (its old
    weight is not on record) has its review's votes all summed again, as a full run counts them."""
    author, voters, skincare, haircare, reviews = two_category_author()
    changed, withdrawn = reviews[skincare]
    add_votes(changed, helpful=1, voters=voters[4:5])  # voters under the cap
    add_votes(withdrawn, helpful=1, voters=voters[5:6])
    rerank(full=True)
    settle_in_the_past()
    HelpfulVote.objects.filter(review=changed, user=voters[4]).update(helpful=False)
    HelpfulVote.objects.filter(review=withdrawn, user=voters[5]).delete()
    Review.objects.filter(pk__in=[changed.pk, withdrawn.pk]).update(changed_at=timezone.now())
    assert sorted(VoteEvent.objects.values_list("kind", flat=True)) == ["delete", "update"]
    figures = assert_summed_again_like_a_full_run([changed, withdrawn])
    assert figures[changed.pk]["unhelpful_weight"] == pytest.approx(BASE_WEIGHT)


def test_capped_or_flagged_new_votes_have_their_reviews_summed_again(category):
    """A new vote that counts at a fraction of its voter's weight has its review's votes all
    summed again, even when nothing else says so: here a vote written without its tally (the
    voter's pair with the author is over the cap already, and its count does not move) and a vote
    linked to a fraud flag that did not change. The figures equal a full recount."""
    author, voters, skincare, haircare, reviews = two_category_author()
    flagged = reviews[haircare][0]
    capped = make_review(author=author, product=ProductFactory(category=skincare))
    flag = FraudFlag.objects.create(kind=FraudFlag.Kind.SERIAL_VOTING, key="test:flagged", evidence={})
    rerank(full=True)
    settle_in_the_past()
    FraudFlag.objects.filter(pk=flag.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    HelpfulVote.objects.create(user=voters[0], review=capped, helpful=True)  # voters[0] has 4 on the author
    (flag_vote,) = add_votes(flagged, helpful=1, voters=voters[5:6])
    FlaggedVote.objects.create(flag=flag, vote=flag_vote)
    Review.objects.filter(pk=capped.pk).update(changed_at=timezone.now())
    figures = assert_summed_again_like_a_full_run([capped, flagged])
    assert figures[capped.pk]["helpful_weight"] < BASE_WEIGHT  # at the cap's fraction
