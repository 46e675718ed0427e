import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Follow, User
from reviews.models import Brand, Category, Comment, HelpfulVote, Product, Review, Save
from reviews.services import vote_tally_move


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    author = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    rating = 4
    title = factory.Faker("sentence", nb_words=5)
    body = factory.Faker("paragraph", nb_sentences=4)


class HelpfulVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpfulVote

    user = factory.SubFactory(UserFactory)
    review = factory.SubFactory(ReviewFactory)
    helpful = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Written around vote_cast (any date, any review), but the voter's tally moves as it would.
        vote = super()._create(model_class, *args, **kwargs)
        vote_tally_move(
            voter_id=vote.user_id, author_id=vote.review.author_id, votes=1, helpful_votes=int(vote.helpful)
        )
        return vote


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    author = factory.SubFactory(UserFactory)
    review = factory.SubFactory(ReviewFactory)
    body = factory.Faker("sentence")


class SaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Save

    user = factory.SubFactory(UserFactory)
    review = factory.SubFactory(ReviewFactory)


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 80, 120), exif: bytes | None = None) -> bytes:
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def image_upload(name: str = "photo.jpg", fmt: str = "JPEG", **kwargs) -> SimpleUploadedFile:
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}.get(fmt, "application/octet-stream")
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=content_type)


# --- brands (tester campaigns) -----------------------------------------------------------------


class BrandMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reviews.BrandMembership"

    brand = factory.SubFactory(BrandFactory)
    user = factory.SubFactory(UserFactory)


def make_tester(*, category, reputation: float = 50.0, level: int = 5, reviews: int = 3, **user_kwargs):
    """An invited tester (ranking standing) with a reputation in `category`, as a full rerank would
    leave them."""
    from ranking.models import CategoryStanding, ReviewerStanding

    user = UserFactory(**user_kwargs)
    ReviewerStanding.objects.update_or_create(
        user=user,
        defaults={"is_tester": True, "level": level, "reputation": reputation, "review_count": reviews},
    )
    CategoryStanding.objects.update_or_create(
        user=user, category=category, defaults={"reputation": reputation, "review_count": reviews}
    )
    return user
