"""Hand-built cases for the order of reviews: confidence, decay, weights, caps, content, prior."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from ranking import scoring as S
from ranking import selectors, services
from ranking.models import ReviewScore, VotePair
from reviews import services as review_services
from reviews.models import Review
from tests.factories import UserFactory
from tests.ranking.conftest import BASE_WEIGHT, add_votes, make_review, rerank, seasoned_user

pytestmark = pytest.mark.django_db


def score(review) -> ReviewScore:
    return ReviewScore.objects.get(pk=review.pk)


def test_confidence_beats_raw_counts(product):
    """2 helpful of 2 ranks below 90 helpful of 100."""
    few, many = make_review(product=product), make_review(product=product)
    add_votes(few, helpful=2)
    add_votes(many, helpful=90, unhelpful=10)
    rerank(full=True)
    assert score(few).helpfulness < score(many).helpfulness
    assert list(selectors.most_helpful_reviews(product)) == [many, few]


def test_stored_figures_match_the_python_formula(product):
    review = make_review(product=product, photos=2)
    add_votes(review, helpful=3, unhelpful=1)
    rerank(full=True)
    stored = score(review)
    expected = S.review_figures(
        helpful_weight=3 * BASE_WEIGHT,
        unhelpful_weight=BASE_WEIGHT,
        body_length=len(review.body),
        photos=2,
        author_level=stored.author_level,
        created_epoch=review.created_at.timestamp(),
        rating=review.rating,  # (the product's only review: it agrees with its average)
    )
    for name, value in vars(expected).items():
        assert getattr(stored, name) == pytest.approx(value, abs=2e-6), name
    assert stored.ranked and stored.photo_count == 2 and stored.body_length == len(review.body)


def test_hidden_and_removed_reviews_are_never_ranked(product):
    shown = make_review(product=product)
    hidden = make_review(product=product, status=Review.Status.HIDDEN)
    removed = make_review(product=product, status=Review.Status.REMOVED)
    for review in (shown, hidden, removed):
        add_votes(review, helpful=5)
    rerank(full=True)
    assert score(shown).ranked and not score(hidden).ranked and not score(removed).ranked
    assert list(selectors.discover_feed(None)) == [shown]
    assert list(selectors.most_helpful_reviews(product)) == [shown]
    assert hidden.author.standing.review_count == 0


def test_newer_wins_at_equal_quality_and_quality_outlasts_a_little_age(product):
    now = timezone.now()
    old_good = make_review(product=product, created_at=now - timedelta(hours=60))
    add_votes(old_good, helpful=40)  # about 3.6 times the quality of an unvoted review
    slightly_newer = make_review(product=product, created_at=now - timedelta(hours=59))
    much_newer = make_review(product=product, created_at=now)
    same_age_twin = make_review(product=product, created_at=now - timedelta(hours=60))
    rerank(full=True)
    feed = list(selectors.discover_feed(None))
    assert feed.index(old_good) < feed.index(slightly_newer)  # an hour of age does not beat 40 votes
    assert feed.index(much_newer) < feed.index(old_good)  # 60 hours does: ln(3.6) * 36 h is about 46 h
    assert feed.index(old_good) < feed.index(same_age_twin)
    gap = score(much_newer).discover - score(same_age_twin).discover
    assert gap == pytest.approx(60 * 3600 / S.DISCOVER_TAU_SECONDS, abs=1e-5)


def test_time_passing_alone_rewrites_no_score(product):
    review = make_review(product=product)
    add_votes(review, helpful=3)
    rerank(full=True)
    before = score(review).discover
    later = rerank(full=True, now=timezone.now() + timedelta(days=3))
    assert later.changes.get("review_scores", 0) == 0
    assert score(review).discover == before


def test_young_accounts_count_less(product):
    young_voted, old_voted = make_review(product=product), make_review(product=product)
    add_votes(young_voted, helpful=1, voters=[UserFactory(date_joined=timezone.now() - timedelta(days=2))])
    add_votes(old_voted, helpful=1)
    rerank(full=True)
    assert score(old_voted).helpful_weight == pytest.approx(BASE_WEIGHT)
    assert score(young_voted).helpful_weight == pytest.approx(BASE_WEIGHT * S.YOUNG_ACCOUNT_FACTOR)


def test_suspended_voters_count_nothing_until_the_suspension_ends(product):
    review = make_review(product=product)
    now = timezone.now()
    add_votes(review, helpful=1, voters=[seasoned_user(suspended_until=now + timedelta(hours=1))])
    rerank(full=True, now=now)
    assert score(review).helpful_weight == 0
    result = rerank(now=now + timedelta(hours=2))  # incremental: no row changed, the clock did
    assert result.kind == "incremental"
    assert score(review).helpful_weight == pytest.approx(BASE_WEIGHT)


def test_higher_level_voters_count_more(product, monkeypatch):
    monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, 1, 2, 1000, 2000, 3000, 4000, 5000, 6000, 7000])
    expert = seasoned_user()
    add_votes(make_review(author=expert, product=product), helpful=3)  # gives the expert level 3
    by_novice, by_expert = make_review(), make_review()
    add_votes(by_novice, helpful=1)
    add_votes(by_expert, helpful=1, voters=[expert])
    rerank(full=True)
    assert expert.standing.level == 3
    assert score(by_expert).helpful_weight == pytest.approx(S.level_vote_factor(3))
    assert score(by_novice).helpful_weight == pytest.approx(S.level_vote_factor(1))
    assert score(by_expert).quality > score(by_novice).quality


def test_one_voter_cannot_carry_an_author(category):
    author, fan = seasoned_user(), seasoned_user()
    reviews = [make_review(author=author) for _ in range(6)]
    now = timezone.now()
    # One vote a day: capped, but not serial voting.
    for day, review in enumerate(reviews):
        add_votes(review, helpful=1, voters=[fan], at=now - timedelta(days=day + 1))
    rerank(full=True)
    assert VotePair.objects.get(voter=fan, author=author).votes == 6
    weights = [score(r).helpful_weight for r in reviews]
    assert weights == pytest.approx([BASE_WEIGHT * S.VOTER_AUTHOR_CAP / 6] * 6)
    assert sum(weights) == pytest.approx(BASE_WEIGHT * S.VOTER_AUTHOR_CAP)
    # Withdrawing one vote raises the others (the incremental run recounts the pair).
    review_services.vote_remove(user=fan, review=reviews[0])
    rerank()
    assert score(reviews[0]).helpful_weight == 0
    assert [score(r).helpful_weight for r in reviews[1:]] == pytest.approx([BASE_WEIGHT * S.VOTER_AUTHOR_CAP / 5] * 5)


def test_content_signals_raise_quality(product):
    rich = make_review(product=product, photos=3)
    bare = make_review(product=product, body="Fine.")
    for review in (rich, bare):
        add_votes(review, helpful=4, unhelpful=1)
    rerank(full=True)
    assert score(rich).content > score(bare).content
    assert score(rich).text_signal == 1 and score(bare).text_signal == 0
    assert score(rich).quality > score(bare).quality


def test_the_authors_standing_is_a_prior(product, monkeypatch):
    # One review's merit stays below 1 (at most ~0.85 points); five helpful votes more pass it.
    monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, 1, 1.1, 1.2, 1.3, 1000, 2000, 3000, 4000, 5000])
    veteran, newcomer = seasoned_user(), seasoned_user()
    add_votes(make_review(author=veteran), helpful=5)
    by_veteran = make_review(author=veteran, product=product)
    by_newcomer = make_review(author=newcomer, product=product)
    rerank(full=True)
    veteran_level, newcomer_level = score(by_veteran).author_level, score(by_newcomer).author_level
    assert veteran_level > newcomer_level == 1
    assert veteran_level == veteran.standing.level
    assert score(by_veteran).quality - score(by_newcomer).quality == pytest.approx(
        S.W_AUTHOR * (veteran_level - 1) / 9, abs=1e-5
    )


def test_a_feature_boosts_discover_until_it_expires(product):
    moderator = UserFactory(is_superuser=True)
    review = make_review(product=product)
    rerank(full=True)
    plain = score(review).discover
    now = timezone.now()
    services.review_feature(review=review, moderator=moderator, until=now + timedelta(hours=3))
    rerank(now=now + timedelta(minutes=1))
    assert score(review).discover == pytest.approx(plain + math.log(S.FEATURE_BOOST), abs=1e-5)
    rerank(now=now + timedelta(hours=4))
    assert score(review).discover == pytest.approx(plain, abs=1e-6)


def test_only_moderators_feature(product):
    from django.core.exceptions import PermissionDenied

    review = make_review(product=product)
    with pytest.raises(PermissionDenied):
        services.review_feature(review=review, moderator=review.author, until=timezone.now() + timedelta(days=1))
