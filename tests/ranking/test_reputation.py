"""Reviewer reputation, levels, ranks and badges; product rankings per category."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ranking import policy, selectors
from ranking import scoring as S
from ranking.models import CategoryStanding, CategoryStats, ProductScore, RerankPending, ReviewerStanding, ReviewScore
from reviews import services as review_services
from reviews.models import Review
from tests.factories import CategoryFactory, ProductFactory
from tests.ranking.conftest import add_votes, make_review, rerank, seasoned_user

pytestmark = pytest.mark.django_db


def standing(user) -> ReviewerStanding:
    return ReviewerStanding.objects.get(user=user)


def test_reputation_follows_the_formula(product):
    review = make_review(product=product, photos=1)
    add_votes(review, helpful=4, unhelpful=2)
    rerank(full=True)
    sc = ReviewScore.objects.get(pk=review.pk)
    expected = (
        S.VOTE_POINTS * (sc.helpful_weight - S.UNHELPFUL_PENALTY * sc.unhelpful_weight) + S.MERIT_POINTS * sc.merit
    )
    st = standing(review.author)
    assert st.reputation == pytest.approx(expected, abs=1e-5)
    assert (st.review_count, st.recent_review_count) == (1, 1)
    assert st.level == S.level_for(st.reputation)


def test_a_level_is_kept_within_the_hysteresis_margin_and_lost_below_it(product, monkeypatch):
    def bars(level_2: float) -> None:
        monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, level_2, 100, 200, 300, 400, 500, 600, 700, 800])

    review = make_review(product=product)
    add_votes(review, helpful=3)
    bars(1.0)
    rerank(full=True)
    reputation = standing(review.author).reputation
    assert standing(review.author).level == 2
    # The bar moves up past the reputation, as a community cut-off does at a nightly run, but
    # within the margin: the level stays.
    bars(reputation * (1 + S.LEVEL_HYSTERESIS) - 0.01)
    assert S.level_for(reputation) == 1
    rerank(full=True)
    assert standing(review.author).level == 2
    # Past the margin, the level is lost.
    bars(reputation * (1 + S.LEVEL_HYSTERESIS) + 0.01)
    rerank(full=True)
    assert standing(review.author).level == 1
    # Rising takes the bar itself.
    bars(reputation + 0.01)
    rerank(full=True)
    assert standing(review.author).level == 1
    bars(reputation)
    rerank(full=True)
    assert standing(review.author).level == 2


def test_reputation_rises_and_falls(product):
    review = make_review(product=product)
    rerank(full=True)
    start = standing(review.author).reputation
    add_votes(review, helpful=6)
    rerank()
    risen = standing(review.author).reputation
    add_votes(review, unhelpful=12)
    rerank()
    fallen = standing(review.author).reputation
    assert start < risen and fallen < risen


def test_old_reviews_count_half_and_inactivity_costs(product):
    now = timezone.now()
    veteran, active = seasoned_user(), seasoned_user()
    old = make_review(author=veteran, product=product, created_at=now - timedelta(days=400))
    new = make_review(author=active, product=ProductFactory(category=product.category))
    voters = [seasoned_user() for _ in range(5)]
    add_votes(old, helpful=5, voters=voters)
    add_votes(new, helpful=5, voters=voters)
    rerank(full=True)
    old_sc, new_sc = ReviewScore.objects.get(pk=old.pk), ReviewScore.objects.get(pk=new.pk)
    points = S.VOTE_POINTS * old_sc.helpful_weight + S.MERIT_POINTS * old_sc.merit
    assert standing(veteran).reputation == pytest.approx(S.OLD_REVIEW_FACTOR * points, abs=1e-5)
    new_points = S.VOTE_POINTS * new_sc.helpful_weight + S.MERIT_POINTS * new_sc.merit
    assert standing(active).reputation == pytest.approx(new_points, abs=1e-5)


def test_a_deleted_review_stops_counting(product):
    author = seasoned_user()
    kept = make_review(author=author, product=product)
    gone = make_review(author=author, product=ProductFactory(category=product.category))
    add_votes(kept, helpful=3)
    add_votes(gone, helpful=3)
    rerank(full=True)
    before = standing(author)
    review_services.review_delete(review=gone, user=author)
    assert RerankPending.objects.filter(user_id=author.pk, product_id=gone.product_id).exists()
    rerank()
    after = standing(author)
    assert after.review_count == 1 < before.review_count
    assert after.reputation < before.reputation
    assert ProductScore.objects.get(pk=gone.product_id).review_count == 0
    assert not RerankPending.objects.exists()


def test_levels_follow_the_published_table(product, monkeypatch):
    # Three helpful votes from new members (0.6 each) and one review's merit: between 2 and 10 000.
    monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, 1, 2, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000])
    review = make_review(product=product)
    add_votes(review, helpful=3)
    rerank(full=True)
    mine = selectors.standing_for(review.author)
    assert mine.level == 3 and 2 <= mine.reputation < 10_000
    assert mine.progress.next_level == 4 and mine.progress.next_threshold == 10_000
    assert mine.progress.fraction == pytest.approx((mine.reputation - 2) / (10_000 - 2), abs=1e-4)
    assert [row["min_reputation"] for row in selectors.level_table()] == S.LEVEL_THRESHOLDS


def test_ranks_and_badges(category, monkeypatch):
    monkeypatch.setattr(policy, "REVIEWER_RANK_DEPTH", 2)
    monkeypatch.setattr(policy, "EXPERT_MIN_REVIEWS", 2)
    monkeypatch.setattr(policy, "EXPERT_MIN_REPUTATION", 1.0)
    authors = [seasoned_user() for _ in range(3)]
    for votes, author in zip((9, 6, 3), authors, strict=True):
        for _ in range(2):
            add_votes(make_review(author=author, product=ProductFactory(category=category)), helpful=votes)
    rerank(full=True)
    ranks = [standing(a).overall_rank for a in authors]
    assert ranks == [1, 2, None]  # exact ranks are kept for the top policy.REVIEWER_RANK_DEPTH
    first = selectors.standing_for(authors[0])
    codes = {(b.code, b.category) for b in first.badges}
    # Rank 1 of 3 reviewers is no "Top" badge: the population is too small (ranking/badges.py).
    assert not [code for code, _ in codes if code.startswith("top_")]
    assert ("category_expert", category.slug) in codes
    assert not [b for b in selectors.standing_for(authors[2]).badges if b.code.startswith("top_") and not b.category]


def test_standings_of_many_users_take_three_queries(category, django_assert_num_queries):
    """Standings, category standings and the level cut-offs (for the progress bars), whatever
    the number of users."""
    users = [seasoned_user() for _ in range(12)]
    for user in users[:6]:
        add_votes(make_review(author=user, product=ProductFactory(category=category)), helpful=2)
    rerank(full=True)
    with django_assert_num_queries(3):
        few = selectors.standings_for(users[:2])
    with django_assert_num_queries(3):
        many = selectors.standings_for(users)
    # Two more, the badge populations, once one of them might earn a rank badge.
    ReviewerStanding.objects.filter(user=users[0]).update(review_count=3, helpful_weight_received=5.0)
    CategoryStanding.objects.filter(user=users[0]).update(review_count=3, helpful_weight_received=5.0)
    with django_assert_num_queries(5):
        selectors.standings_for(users)
    assert len(few) == 2 and len(many) == 12
    assert many[users[-1].pk].level == 1 and many[users[-1].pk].badges == []


def test_products_rank_by_quality_weighted_bayesian_average(category, monkeypatch):
    monkeypatch.setattr(S, "PRODUCT_MIN_REVIEWS", 3)
    many_good, few_fives, poor, too_few = (ProductFactory(category=category) for _ in range(4))
    for product, rating, count, body, votes in (
        (many_good, 4, 6, None, 5),
        (few_fives, 5, 3, "Love it!", 0),  # short, unvoted: low-quality reviews barely move the prior
        (poor, 2, 6, None, 5),
        (too_few, 5, 2, None, 5),
    ):
        for _ in range(count):
            kwargs = {"body": body} if body else {}
            add_votes(make_review(product=product, rating=rating, **kwargs), helpful=votes)
    rerank(full=True)
    assert list(selectors.category_ranking(category)) == [many_good, few_fives, poor]
    assert selectors.product_rank(many_good) == (1, category)
    assert selectors.product_rank(too_few) is None
    mean = CategoryStats.objects.get(pk=category.pk).mean_rating
    ps = ProductScore.objects.get(pk=few_fives.pk)
    assert ps.bayesian_score == pytest.approx(
        S.bayesian_product_score(ps.weight_sum, ps.weighted_rating_sum, mean), abs=1e-5
    )
    assert ps.average_rating == 5 and ps.review_count == 3 and ps.eligible


def test_a_level_up_is_announced_once(category, monkeypatch):
    from accounts.models import Notification

    review = make_review(product=ProductFactory(category=category))
    rerank(full=True)
    assert not Notification.objects.filter(kind=Notification.Kind.LEVEL_UP).exists()
    # Level 2 sits just above what the author has now; helpful votes lift them past it.
    reputation = ReviewerStanding.objects.get(user=review.author).reputation
    monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, reputation + 0.01, *(10**6 * n for n in range(1, 9))])
    add_votes(review, helpful=6)
    rerank()
    notes = Notification.objects.filter(recipient=review.author, kind=Notification.Kind.LEVEL_UP)
    assert [(n.title, n.data) for n in notes] == [("You reached level 2", {"level": 2})]
    # Not announced again by the next runs, full or incremental.
    rerank()
    rerank(full=True)
    assert notes.count() == 1


def expected_category_ranks(category, depth: int) -> dict[int, int | None]:
    rows = sorted(
        CategoryStanding.objects.filter(category=category).values_list("user_id", "reputation"),
        key=lambda row: (-row[1], row[0]),
    )
    top = [user_id for user_id, reputation in rows if reputation > 0][:depth]
    return {user_id: (top.index(user_id) + 1 if user_id in top else None) for user_id, _ in rows}


def test_category_ranks_follow_the_top_as_it_changes(category, monkeypatch):
    """The full run numbers each category's top from the rows at or above the previous top's
    lowest reputation: a newcomer overtaking, a ranked member falling out and a member falling
    below the rest all end in the ranks a plain sort of every standing gives."""
    monkeypatch.setattr(policy, "REVIEWER_RANK_DEPTH", 2)
    authors = [seasoned_user() for _ in range(4)]
    reviews = {}
    for votes, author in zip((9, 6, 3, 1), authors, strict=True):
        reviews[author] = make_review(author=author, product=ProductFactory(category=category))
        add_votes(reviews[author], helpful=votes)
    rerank(full=True)
    ranks = lambda: dict(CategoryStanding.objects.filter(category=category).values_list("user_id", "rank"))  # noqa: E731
    assert ranks() == expected_category_ranks(category, 2)
    assert ranks()[authors[0].pk] == 1 and ranks()[authors[1].pk] == 2
    steps = [
        lambda: add_votes(reviews[authors[3]], helpful=20),  # the last overtakes everyone
        lambda: add_votes(reviews[authors[3]], unhelpful=60),  # ... and falls below all again
        lambda: Review.objects.filter(pk=reviews[authors[0]].pk).update(status=Review.Status.HIDDEN),
    ]
    seen = [ranks()]
    for step in steps:
        step()
        rerank(full=True)
        assert ranks() == expected_category_ranks(category, 2)
        seen.append(ranks())
    assert seen[1][authors[3].pk] == 1 and seen[2][authors[3].pk] is None
    assert seen[3].get(authors[0].pk) is None and seen[3][authors[1].pk] == 1


def test_product_ranks_follow_the_top_as_it_changes(category, monkeypatch):
    """Product ranks are numbered from the eligible products at or above the previous top's lowest
    score: a product overtaking, one falling below the rest and one no longer eligible all end
    in the ranks a plain sort of every product score gives."""
    monkeypatch.setattr(policy, "PRODUCT_RANK_DEPTH", 2)
    monkeypatch.setattr(S, "PRODUCT_MIN_REVIEWS", 2)
    products = [ProductFactory(category=category) for _ in range(4)]
    reviews = {}
    for rating, product in zip((5, 4, 3, 2), products, strict=True):
        reviews[product] = [make_review(product=product, rating=rating) for _ in range(2)]
        for review in reviews[product]:
            add_votes(review, helpful=3)

    def ranks():
        return dict(ProductScore.objects.filter(category=category).values_list("product_id", "category_rank"))

    def expected():
        rows = ProductScore.objects.filter(category=category, eligible=True).values_list("product_id", "bayesian_score")
        top = [pid for pid, _ in sorted(rows, key=lambda row: (-row[1], row[0]))][:2]
        return {pid: (top.index(pid) + 1 if pid in top else None) for pid in ranks()}

    rerank(full=True)
    assert ranks() == expected() and ranks()[products[0].pk] == 1
    steps = [
        # the last overtakes everyone, rated 5 by many
        lambda: [add_votes(make_review(product=products[3], rating=5), helpful=3) for _ in range(10)],
        # the first falls below the rest
        lambda: [add_votes(make_review(product=products[0], rating=1), helpful=3) for _ in range(12)],
        # the second is no longer eligible
        lambda: Review.objects.filter(product=products[1]).update(status=Review.Status.HIDDEN),
    ]
    seen = []
    for step in steps:
        step()
        rerank()
        assert ranks() == expected()
        seen.append(ranks())
    assert seen[0][products[3].pk] == 1
    assert seen[1][products[0].pk] is None
    assert seen[2][products[1].pk] is None


def test_product_ranks_keep_each_touched_categorys_own_cutoff(category, monkeypatch):
    """An incremental run numbers every touched category from its own previous top: a category
    whose whole top scores below another's is still ranked in full."""
    monkeypatch.setattr(policy, "PRODUCT_RANK_DEPTH", 2)
    monkeypatch.setattr(S, "PRODUCT_MIN_REVIEWS", 2)
    low_category = CategoryFactory()
    products = {category: [], low_category: []}
    for cat, ratings in ((category, (5, 5, 4)), (low_category, (2, 1, 1))):
        for rating in ratings:
            product = ProductFactory(category=cat)
            products[cat].append(product)
            for _ in range(2):
                add_votes(make_review(product=product, rating=rating), helpful=3)

    def ranks(cat):
        return dict(ProductScore.objects.filter(category=cat).values_list("product_id", "category_rank"))

    def expected(cat):
        rows = ProductScore.objects.filter(category=cat, eligible=True).values_list("product_id", "bayesian_score")
        top = [pid for pid, _ in sorted(rows, key=lambda row: (-row[1], row[0]))][:2]
        return {pid: (top.index(pid) + 1 if pid in top else None) for pid in ranks(cat)}

    rerank(full=True)
    for cat, ratings in ((category, 5), (low_category, 3)):  # both categories touched
        add_votes(make_review(product=products[cat][2], rating=ratings), helpful=3)
    assert rerank().kind == "incremental"
    for cat in products:
        assert ranks(cat) == expected(cat)
    assert sorted(rank for rank in ranks(low_category).values() if rank) == [1, 2]


def test_helpful_votes_outrank_prolific_writing(category):
    """Reputation follows what readers found helpful: eight reviews nobody voted on earn less
    than one review three readers found helpful."""
    prolific, helpful = seasoned_user(), seasoned_user()
    for _ in range(8):
        make_review(author=prolific, product=ProductFactory(category=category))
    add_votes(make_review(author=helpful, product=ProductFactory(category=category)), helpful=3)
    rerank(full=True)
    assert standing(helpful).reputation > standing(prolific).reputation


def test_levels_are_reachable_as_a_share_of_a_small_community(category, monkeypatch):
    """In a community too small for the absolute thresholds, the most helpful reviewer climbs by
    being in the top share with enough evidence; reviewers without helpful votes stay at level 1;
    the cut-offs are published and kept by incremental runs."""
    monkeypatch.setattr(S, "LEVEL_MIN_COMMUNITY", 10)
    quiet = [seasoned_user() for _ in range(10)]
    for author in quiet:
        make_review(author=author, product=ProductFactory(category=category))
    star = seasoned_user()
    for _ in range(5):  # LevelRule 5: 5 reviews and 4 helpful weight (10 votes at 0.6)
        add_votes(make_review(author=star, product=ProductFactory(category=category)), helpful=2)
    rerank(full=True)
    assert standing(star).reputation < S.level_thresholds()[1]  # the absolute route gives level 1
    assert standing(star).level == 5  # top 10 % of 11; level 6 needs 8 helpful weight
    assert {standing(author).level for author in quiet} == {1}  # no helpful vote: no evidence
    table = {row["level"]: row for row in selectors.level_table()}
    assert table[5]["community_share"] == 0.10 and table[5]["community_min_reputation"] == S.LEVEL_MIN_CUTOFF
    assert selectors.standing_for(star).progress.next_threshold == table[6]["community_min_reputation"]
    add_votes(make_review(author=quiet[0], product=ProductFactory(category=category)), helpful=1)
    assert rerank().kind == "incremental"
    assert standing(star).level == 5 and standing(quiet[0]).level == 2  # cut-offs of the full run


def test_the_community_route_is_closed_in_a_tiny_community(category):
    star = seasoned_user()
    for _ in range(5):
        add_votes(make_review(author=star, product=ProductFactory(category=category)), helpful=2)
    rerank(full=True)
    assert standing(star).level == 1
    assert all(row["community_min_reputation"] is None for row in selectors.level_table())
