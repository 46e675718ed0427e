"""`manage.py seed_demo`: a small demo community, with exact counters, created once."""

import io
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone
from PIL import Image

from accounts.models import Follow, User
from reviews.management import demo_data, demo_plan
from reviews.models import (
    Brand,
    BrandMembership,
    Category,
    Comment,
    HelpfulVote,
    Product,
    Review,
    ReviewPhoto,
    Save,
    Tag,
)
from tests.conftest import shared_rows
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SMALL = {"users": 10, "products": 8, "reviews": 30}


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **{"force": True, **SMALL, **options})
    return out.getvalue()


def snapshot() -> dict:
    models = [
        Category,
        Brand,
        Product,
        User,
        BrandMembership,
        Follow,
        Review,
        ReviewPhoto,
        HelpfulVote,
        Comment,
        Save,
        Tag,
    ]
    state: dict = {model.__name__: model.objects.count() for model in models}
    state["counters"] = list(
        Review.objects.order_by("pk").values_list("helpful_count", "not_helpful_count", "comment_count", "save_count")
    )
    return state


def media_files(root: str) -> set[Path]:
    return {path for path in Path(root).rglob("*") if path.is_file()}


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """`seed_demo --if-empty` run on an empty database: its output, and its files in a folder
    of the class's own."""
    media = str(tmp_path_factory.mktemp("seeded") / "media")
    with shared_rows(django_db_blocker, MEDIA_ROOT=media) as build:
        yield SimpleNamespace(out=build(seed, if_empty=True), media=media)


class TestOneSeededCommunity:
    """What one run leaves behind, seeded once for these tests (each runs in a savepoint of its
    own, tests/conftest.py's shared_rows): seeding is the slow part."""

    @pytest.fixture(autouse=True)
    def media_root(self, seeded, settings):
        """Overrides tests/conftest.py's: the seeded files are in the class's folder."""
        settings.MEDIA_ROOT = seeded.media
        return settings.MEDIA_ROOT

    def test_seeds_an_empty_database_in_the_requested_sizes(self, seeded, media_root):
        out = seeded.out

        assert set(Category.objects.values_list("slug", flat=True)) == {c["slug"] for c in demo_data.CATEGORIES}
        assert {"skincare", "makeup", "haircare", "electronics", "snacks", "home"} <= set(
            Category.objects.values_list("slug", flat=True)
        )
        assert Brand.objects.count() == len(demo_data.BRANDS) == 15
        assert Product.objects.count() == 8
        for product in Product.objects.all():
            assert product.description and product.brand_id and product.category_id
            assert Path(product.image.path).is_file()

        assert User.objects.count() == 10
        for user in User.objects.all():
            assert user.display_name and user.bio
            assert Path(user.avatar.path).is_file()
            assert user.interest_categories.exists()

        assert Review.objects.count() == 30
        ratings = list(Review.objects.values_list("rating", flat=True))
        assert max(ratings) == 5 and min(ratings) <= 2  # skewed positive, with honest low ratings
        assert 3.0 < sum(ratings) / len(ratings) < 4.6
        lengths = sorted(len(body) for body in Review.objects.values_list("body", flat=True))
        assert lengths[0] < 80 and lengths[-1] > 400  # one-liners and multi-paragraph reviews
        photos_per_review = Review.objects.annotate(n=Count("photos")).values_list("n", flat=True)
        assert 0 in photos_per_review and max(photos_per_review) <= 4 and ReviewPhoto.objects.exists()
        assert Tag.objects.exists()
        assert HelpfulVote.objects.exists() and Follow.objects.exists()
        assert Comment.objects.exists() and Save.objects.exists()

        demo = User.objects.get(username="demo")
        assert demo.check_password("candor-demo-2026")
        assert User.objects.get(username="moderator").is_moderator
        assert BrandMembership.objects.count() == 2
        assert all(m.user.is_brand_member for m in BrandMembership.objects.select_related("user"))
        assert "demo / candor-demo-2026" in out
        assert "30 reviews" in out

    def test_both_languages_are_written_and_named(self, seeded):
        """About half the notes are in Chinese, by members whose profile is in zh-hans, with
        #话题 tags; the catalogue carries Chinese names beside the English ones (issue 26)."""
        han = re.compile(r"[\u4e00-\u9fff]")
        reviews = list(Review.objects.select_related("author").prefetch_related("tags"))
        chinese = [r for r in reviews if han.search(r.title + r.body)]
        assert 0.35 <= len(chinese) / len(reviews) <= 0.65
        assert {r.author.language for r in chinese} == {"zh-hans"}
        assert all(r.author.language != "zh-hans" for r in reviews if r not in chinese)
        assert all(han.search(r.author.display_name) for r in chinese)
        tagged = [r for r in chinese if r.tags.all()]
        assert tagged and all(f"#{t.name}" in r.body for r in tagged for t in r.tags.all())
        assert any(han.search(t.name) for t in Tag.objects.all())
        for model in (Category, Brand, Product):
            assert not model.objects.filter(name_zh="").exists()
            assert all(han.search(name) for name in model.objects.values_list("name_zh", flat=True))

    def test_counters_match_rows_and_nobody_votes_on_their_own_review(self, seeded):

        reviews = Review.objects.annotate(
            helpful_rows=Count("votes", filter=Q(votes__helpful=True), distinct=True),
            not_helpful_rows=Count("votes", filter=Q(votes__helpful=False), distinct=True),
            comment_rows=Count("comments", distinct=True),
            save_rows=Count("saves", distinct=True),
        )
        for review in reviews:
            assert review.helpful_count == review.helpful_rows
            assert review.not_helpful_count == review.not_helpful_rows
            assert review.comment_count == review.comment_rows
            assert review.save_count == review.save_rows
        assert sum(r.helpful_count for r in reviews) > 0
        assert not HelpfulVote.objects.filter(user=F("review__author")).exists()
        assert not Save.objects.filter(user=F("review__author")).exists()
        # Brand accounts answer reviews of their own products, but never vote or save.
        assert not HelpfulVote.objects.filter(user__brand_membership__isnull=False).exists()
        brand_account_elsewhere = Q(author__brand_membership__isnull=False) & ~Q(
            author__brand_membership__brand=F("review__product__brand")
        )
        assert not Comment.objects.filter(brand_account_elsewhere).exists()

    def test_history_is_spread_over_the_last_months_and_activity_follows_posting(self, seeded):
        now = timezone.now()
        created = sorted(Review.objects.values_list("created_at", flat=True))
        assert created[0] > now - timedelta(days=121) and created[-1] <= now
        assert created[-1] - created[0] > timedelta(days=30)
        assert not HelpfulVote.objects.filter(created_at__lt=F("review__created_at")).exists()
        assert not Comment.objects.filter(created_at__lt=F("review__created_at")).exists()
        assert not Save.objects.filter(created_at__lt=F("review__created_at")).exists()
        assert not HelpfulVote.objects.filter(created_at__gt=now).exists()
        assert not Review.objects.filter(edited_at__lt=F("created_at")).exists()

    def test_running_twice_creates_nothing_new(self, seeded, media_root):
        before, files = snapshot(), media_files(media_root)

        out = seed()

        assert snapshot() == before
        assert media_files(media_root) == files
        assert "nothing to create" in out

    def test_photos_are_stored_in_media_root_without_exif(self, seeded, media_root):
        shapes = set()
        assert ReviewPhoto.objects.exists()
        for photo in ReviewPhoto.objects.all():
            for field in (photo.image, photo.thumbnail):
                path = Path(field.path)
                assert path.is_file() and path.is_relative_to(media_root)
                with Image.open(path) as image:
                    assert image.format == "JPEG"
                    assert not image.getexif()
                    assert "exif" not in image.info
                    assert max(image.size) <= 900
            shapes.add((photo.width > photo.height) - (photo.width < photo.height))
        assert len(shapes) >= 2  # portrait, square and landscape photos, not one size


def test_if_empty_does_nothing_when_a_review_exists(media_root):
    ReviewFactory()
    before = snapshot()

    out = seed(if_empty=True)

    assert snapshot() == before
    assert not media_files(media_root)
    assert "--if-empty" in out


def test_an_existing_real_account_with_a_demo_username_is_left_alone():
    real = UserFactory(username="demo", email="someone@example.com", password="their-own-password")

    out = seed()

    real.refresh_from_db()
    assert real.check_password("their-own-password")
    assert not real.reviews.exists() and not real.following_links.exists()
    assert "keeps its own password" in out
    assert "candor-demo-2026" not in out


def test_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO(), **SMALL)
    assert not User.objects.exists()


@pytest.mark.parametrize("option", ["users", "products", "reviews"])
def test_rejects_sizes_out_of_range(option):
    with pytest.raises(CommandError, match=f"--{option}"):
        seed(**{option: -1})
    assert not Review.objects.exists()


def test_the_same_seed_plans_the_same_community():
    first = demo_plan.build(seed=7, users=12, products=10, reviews=40)
    again = demo_plan.build(seed=7, users=12, products=10, reviews=40)
    other = demo_plan.build(seed=8, users=12, products=10, reviews=40)

    assert first == again
    assert first != other
    pairs = [(r.author, r.product) for r in first.reviews]
    assert len(pairs) == len(set(pairs)) == 40  # one review per person per product
    assert all(voter != r.author for r in first.reviews for voter, _helpful, _delay in r.votes)
