"""A signed-in member's pages run the same queries whoever the member is (issue 24): a
moderator, a brand member and a consumer with follows and saves cost what any member costs, and
no more than a visitor's page plus the member's own state (session, user, own votes and saves,
unread notifications). `is_moderator` is read with the member's row, never per request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import MODERATORS_GROUP
from reviews import services
from tests.factories import (
    BrandMembershipFactory,
    CommentFactory,
    FollowFactory,
    ProductFactory,
    ReviewFactory,
    SaveFactory,
    UserFactory,
    image_upload,
)
from tests.web.conftest import rerank

pytestmark = pytest.mark.django_db


def queries_of(client: Client, url: str) -> list[str]:
    client.get(url)  # warm: the chrome read once per process, the cards stored
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def site():
    product = ProductFactory(image="")
    reviews = [ReviewFactory(product=product) for _ in range(4)]
    services.review_add_photos(review=reviews[0], user=reviews[0].author, photos=[image_upload()])
    CommentFactory(review=reviews[0])
    rerank()
    return {"discover": "/", "product": product.get_absolute_url(), "review": f"/r/{reviews[0].pk}/"}, reviews


def readers(reviews) -> dict[str, Client | None]:
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    brand_member = BrandMembershipFactory(brand=reviews[0].product.brand).user
    consumer = UserFactory()
    for review in reviews:
        FollowFactory(follower=consumer, followee=review.author)
        SaveFactory(user=consumer, review=review)
    clients = {"visitor": Client()}
    for name, user in {"moderator": moderator, "brand member": brand_member, "consumer": consumer}.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


@pytest.mark.parametrize("page", ["discover", "product", "review"])
def test_every_member_runs_the_same_queries_as_any_other(site, page, django_assert_num_queries):
    urls, reviews = site
    clients = readers(reviews)
    visitor = len(queries_of(clients.pop("visitor"), urls[page]))
    counts = {name: queries_of(client, urls[page]) for name, client in clients.items()}
    member = len(counts["consumer"])
    for client in clients.values():
        with django_assert_num_queries(member):
            client.get(urls[page])
    # No group lookup per request: the moderator's flag comes with their row.
    assert no_group_lookup(counts["moderator"])
    # The member's own state on top of the visitor's page: their row, their unread notifications,
    # on Discover their own reviews not ranked yet (issue 25), and the session where it is not
    # cached (SQLite's embedded default keeps sessions in the database).
    assert member <= visitor + 4, (visitor, member)


def no_group_lookup(queries: list[str]) -> bool:
    return not any("auth_group" in sql and "EXISTS" not in sql.upper() for sql in queries)


@pytest.mark.parametrize("in_group", [True, False])
def test_the_moderator_flag_comes_with_the_token_users_row(in_group):
    from rest_framework.authtoken.models import Token

    user = UserFactory()
    if in_group:
        user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    client = Client(headers={"Authorization": f"Token {Token.objects.create(user=user).key}"})
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/moderation/queue/")
    assert response.status_code == (200 if in_group else 403)
    assert no_group_lookup([query["sql"] for query in captured.captured_queries])


def test_a_member_added_to_the_moderators_sees_the_moderation_link_on_their_next_page():
    member = UserFactory()
    client = Client()
    client.force_login(member)
    assert "Moderation</a>" not in client.get("/").content.decode()
    member.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    assert "Moderation</a>" in client.get("/").content.decode()
    member.groups.clear()
    assert "Moderation</a>" not in client.get("/").content.decode()
