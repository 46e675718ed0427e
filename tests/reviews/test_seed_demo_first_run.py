"""A newcomer's first look after `seed_demo` (issue 25 item 10): Discover and the rankings are full
at once, not after the first scheduled rerank, and the output names every account to log in as."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils.html import escape

from ranking.models import ProductScore, ReviewScore
from ranking.selectors import category_ranking, discover_feed
from reviews.management import demo_plan
from reviews.models import Category, Review
from tests.conftest import shared_rows

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), force=True, users=10, products=8, reviews=30)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = str(tmp_path_factory.mktemp("first-run") / "media")
    with shared_rows(django_db_blocker, MEDIA_ROOT=media) as build:
        yield SimpleNamespace(out=build(seed))


def test_every_published_review_is_ranked_on_discover_at_once(seeded, client):
    published = Review.objects.filter(status=Review.Status.PUBLISHED)
    assert published.count() > 0
    assert ReviewScore.objects.filter(review__in=published, ranked=True).count() == published.count()
    top = discover_feed(None).first()
    assert top is not None
    page = client.get("/")
    assert page.status_code == 200
    assert escape(top.title) in page.content.decode()


def test_category_rankings_are_filled_at_once(seeded, client):
    assert ProductScore.objects.filter(category_rank__isnull=False).exists()
    category = Category.objects.filter(pk__in=ProductScore.objects.filter(eligible=True).values("category")).first()
    assert category is not None
    best = category_ranking(category).first()
    assert best is not None
    page = client.get(f"/rankings/{category.slug}/")
    assert page.status_code == 200
    assert escape(best.name) in page.content.decode()


def test_output_names_the_demo_moderator_and_brand_accounts(seeded):
    brand_accounts = [
        p for p in demo_plan.build(seed=2026, users=10, products=8, reviews=30).people if p.role == "brand"
    ]
    assert len(brand_accounts) == len(demo_plan.BRAND_ACCOUNTS)
    for person in brand_accounts:
        assert f"{person.username} (brand account of {person.brand})" in seeded.out
    assert f"{demo_plan.MODERATOR_USERNAME} (moderator)" in seeded.out
    assert f"Log in as {demo_plan.DEMO_USERNAME} / " in seeded.out
