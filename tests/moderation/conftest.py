"""People and content for moderation tests: a consumer, a brand member, two moderators, an
author with a published review and a comment on it."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import MODERATORS_GROUP
from reviews.models import BrandMembership
from tests.conftest import client_for
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, ReviewFactory, UserFactory


def make_moderator(**kwargs):
    user = UserFactory(**kwargs)
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    user.groups.add(group)
    return user


def make_brand_member(brand, **kwargs):
    user = UserFactory(**kwargs)
    BrandMembership.objects.create(brand=brand, user=user)
    return user


@pytest.fixture
def category(db):
    return CategoryFactory(name="Skincare", slug="skincare")


@pytest.fixture
def brand(db):
    return BrandFactory(name="Lumen", slug="lumen")


@pytest.fixture
def product(brand, category):
    return ProductFactory(brand=brand, category=category, name="Barrier Cream", slug="lumen-barrier-cream")


@pytest.fixture
def author(db):
    return UserFactory(username="haruto")


@pytest.fixture
def review(author, product):
    return ReviewFactory(author=author, product=product, title="Calmed my redness in a week")


@pytest.fixture
def commenter(db):
    return UserFactory(username="sora")


@pytest.fixture
def comment(review, commenter):
    from reviews import services

    return services.comment_create(author=commenter, review=review, body="Did it pill under sunscreen?")


@pytest.fixture
def consumer(db):
    return UserFactory(username="mei")


@pytest.fixture
def brand_member(brand):
    return make_brand_member(brand, username="lumen_pr")


@pytest.fixture
def moderator(db):
    return make_moderator(username="mod_ana")


@pytest.fixture
def other_moderator(db):
    return make_moderator(username="mod_ben")


@pytest.fixture
def mod_api(moderator):
    return client_for(moderator)


@pytest.fixture
def consumer_api(consumer):
    return client_for(consumer)


@pytest.fixture
def mod_web(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def consumer_web(consumer) -> Client:
    client = Client()
    client.force_login(consumer)
    return client
