"""Badges that mean something, shown one at a time, and "why it is ranked here" in a reader's
words (issue 25 items 4 and 5)."""

import re

import pytest
from django.test import Client

from ranking import badges
from ranking import selectors as ranking
from ranking.models import CategoryStanding, ProductScore, ReviewerStanding
from tests.factories import ProductFactory, UserFactory
from tests.ranking.conftest import add_votes, make_review, rerank

POPULATION = badges.RANK_BADGE_MIN_POPULATION + 10


@pytest.fixture
def category(skincare):
    return skincare


def shown_badges(html: str) -> list[str]:
    """The badges in the first list of badges on the page (the one next to the author's name)."""
    block = re.search(r'<ul class="badges" aria-label="Badges">(.*?)</ul>', html, re.S)
    return re.findall(r'<li class="badge" data-badge="([^"]+)"', block.group(1)) if block else []


def why_panel(html: str) -> str:
    start = html.index('<details class="why">')
    return html[start : html.index('<section class="comments-section"', start)]


def test_one_review_in_a_small_community_earns_no_rank_badge(product):
    """Rank 1 of a handful, with one review: the old code called this "Top 10 reviewer" and
    "Top 10 in <category>"."""
    review = make_review(product=product)
    for _ in range(5):
        make_review(product=ProductFactory(category=product.category))
    add_votes(review, helpful=4)
    rerank(full=True)
    author = review.author
    assert ReviewerStanding.objects.get(user=author).overall_rank == 1
    assert [b for b in ranking.standing_for(author).badges if b.code.startswith("top_")] == []
    for page in (Client().get(f"/r/{review.pk}/"), Client().get(f"/u/{author.username}/")):
        html = page.content.decode()
        assert "Top 10" not in html and 'data-badge="top_' not in html


def qualified_reviewer(category) -> tuple:
    """A reviewer ranked first of POPULATION (top 5%, not 1%) overall and in `category`, with the evidence, an
    expert of the category and an invited tester: four badges earned."""
    star = UserFactory()
    ReviewerStanding.objects.create(
        user=star, overall_rank=1, review_count=6, helpful_weight_received=12.0, reputation=90, is_tester=True
    )
    CategoryStanding.objects.create(
        user=star, category=category, rank=1, review_count=6, helpful_weight_received=12.0, is_expert=True
    )
    for index in range(POPULATION - 1):
        other = UserFactory()
        ReviewerStanding.objects.create(user=other, overall_rank=index + 2, review_count=1)
        CategoryStanding.objects.create(user=other, category=category, rank=index + 2, review_count=1)
    return star, make_review(author=star, product=ProductFactory(category=category))


def test_a_qualified_reviewer_shows_exactly_one_badge_next_to_their_name(category):
    star, review = qualified_reviewer(category)
    codes = [b.code for b in ranking.standing_for(star).badges]
    assert codes == ["top_5pct", "top_5pct", "category_expert", "invited_tester"]  # best first
    note = Client().get(f"/r/{review.pk}/").content.decode()
    assert shown_badges(note) == ["top_5pct"]
    assert "Top 5% of reviewers" in note and f"Top 5% in {category.name}" not in note
    assert 'aria-label="3 more badges on the profile">+3</a>' in note
    profile = Client().get(f"/u/{star.username}/").content.decode()
    assert shown_badges(profile) == ["top_5pct"]
    folded = re.search(r'<details class="badges-more">(.*?)</details>', profile, re.S).group(1)
    assert ">+3</summary>" in folded and f"Top 5% in {category.name}" in folded and "Invited tester" in folded


def test_a_rank_badge_needs_the_population_and_the_evidence(category):
    star, _ = qualified_reviewer(category)
    ReviewerStanding.objects.filter(user=star).update(review_count=2)
    assert [b.code for b in ranking.standing_for(star).badges][0] == "top_5pct"  # the category one
    assert ranking.standing_for(star).badges[0].category == category.slug
    assert badges.rank_percent(1, badges.RANK_BADGE_MIN_POPULATION - 1) is None
    assert badges.rank_percent(5, 100) == 5 and badges.rank_percent(10, 100) == 10
    assert badges.rank_percent(11, 100) is None


@pytest.fixture
def voted_review(product):
    review = make_review(product=product, photos=2)
    add_votes(review, helpful=2, unhelpful=1)
    rerank(full=True)
    return review


def test_why_ranked_here_leads_with_words_and_keeps_the_numbers_in_details(voted_review):
    panel = why_panel(Client().get(f"/r/{voted_review.pk}/").content.decode())
    first = re.search(r"</summary>\s*(?:\{#.*?#\}\s*)?<p[^>]*>(.*?)</p>", panel, re.S).group(1)
    assert first.startswith("Helpful to 2 of 3 readers who voted")
    assert "detailed, with 2 photos" in first and "fades over a day or two" in first
    for jargon in ("τ", "ln(", "confidence", "quality score"):
        assert jargon not in first
    numbers = re.search(r'<details class="why-numbers">(.*?)</details>', panel, re.S).group(1)
    assert '<table class="why-table">' in numbers and "τ = 36 hours" in numbers
    assert panel.index('<table class="why-table">') > panel.index('<details class="why-numbers">')


def test_ranking_api_keeps_its_numbers_and_adds_a_summary(voted_review):
    data = Client().get(f"/api/v1/reviews/{voted_review.pk}/ranking/").json()
    assert data["summary"].startswith("Helpful to 2 of 3 readers who voted")
    assert data["quality"] > 0 and data["components"] and data["discover_terms"]["tau_hours"] == 36


def test_category_ranking_says_why_a_lower_average_ranks_above_a_higher_one(category):
    many, few = ProductFactory(category=category), ProductFactory(category=category)
    ProductScore.objects.create(
        product=many, category=category, review_count=38, average_rating=4.2, weight_sum=20.0,
        weighted_rating_sum=84.0, bayesian_score=4.15, eligible=True, category_rank=1,
    )  # fmt: skip
    ProductScore.objects.create(
        product=few, category=category, review_count=3, average_rating=4.3, weight_sum=1.5,
        weighted_rating_sum=6.45, bayesian_score=4.0, eligible=True, category_rank=2,
    )  # fmt: skip
    page = Client().get(f"/rankings/{category.slug}/").content.decode()
    reasons = re.findall(r'<span class="muted small rank-why">(.*?)</span>', page)
    assert reasons == [
        "4.2★ from 38 reviews, ranked above 4.3★ from 3 reviews: more reviews make the average surer.",
        "4.3★ from 3 reviews, ranked below 4.2★ from 38 reviews: its average rests on fewer reviews, "
        "so it is less sure yet.",
    ]
    assert reasons[0] in Client().get("/rankings/").content.decode()
