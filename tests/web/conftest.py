import pytest
from django.test import Client

from ranking import services as ranking_services
from reviews import services
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory, image_upload


@pytest.fixture
def member(db):
    return UserFactory(username="mei", display_name="Mei Lin")


@pytest.fixture
def author(db):
    return UserFactory(username="haruto", display_name="Haruto")


@pytest.fixture
def web(member) -> Client:
    """A browser session signed in as `member`."""
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def htmx(member) -> Client:
    """The same session sending requests the way htmx does."""
    client = Client(headers={"HX-Request": "true"})
    client.force_login(member)
    return client


@pytest.fixture
def skincare(db):
    return CategoryFactory(name="Skincare", slug="skincare")


@pytest.fixture
def product(skincare):
    return ProductFactory(name="Barrier Cream", slug="barrier-cream", category=skincare)


@pytest.fixture
def review(author, product):
    """A published review by `author` with two photos, made through the service."""
    return services.review_create(
        author=author,
        product=product,
        rating=5,
        title="Calmed my redness in a week",
        body="Thick but it sinks in within minutes.",
        tags=["sensitive-skin"],
        photos=[image_upload("a.jpg"), image_upload("b.png", fmt="PNG")],
    )


@pytest.fixture
def plain_review(author, product):
    return ReviewFactory(author=author, product=product)


def rerank() -> None:
    """Run the ranking job as Celery beat would, so the ranked pages have something to show."""
    result = ranking_services.rerank(full=True)
    assert not result.skipped, result.reason
