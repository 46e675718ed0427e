"""Authorization matrix for the object endpoints of reviews and comments: owner, another member,
a member of the reviewed product's brand, a moderator and anonymous, for every method.

Already covered elsewhere, not repeated here: every moderation endpoint per role
(tests/moderation/test_permissions.py), every brand endpoint and page for owner, member, invited,
other brand, consumer, moderator and anonymous (tests/brands/test_brand_authorization.py),
another user and anonymous on reviews (tests/reviews/test_api_reviews.py). The cells this adds: moderators and brand members through
the plain review and comment endpoints (moderators act only through /moderation/, brands never
touch reviews), and every cell of the comment endpoints."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from accounts.models import MODERATORS_GROUP
from reviews import services
from reviews.models import Comment, Review
from tests.conftest import client_for
from tests.factories import BrandMembershipFactory, ProductFactory, UserFactory, image_upload

pytestmark = pytest.mark.django_db

ROLES = ("owner", "other", "brand_member", "moderator", "anonymous")


def expect(owner: int, others: int = 403, anonymous: int = 401) -> dict[str, int]:
    return {"owner": owner, "other": others, "brand_member": others, "moderator": others, "anonymous": anonymous}


CASES = [
    ("read review", "get", "reviews/{review}/", None, dict.fromkeys(ROLES, 200)),
    ("edit review", "patch", "reviews/{review}/", {"rating": 1}, expect(200)),
    ("replace review", "put", "reviews/{review}/", {"rating": 1, "title": "t", "body": "b"}, expect(200)),
    ("delete review", "delete", "reviews/{review}/", None, expect(204)),
    ("add photos", "post", "reviews/{review}/photos/", "photos", expect(201)),
    # Votes: never on your own review, never by the reviewed product's brand; anyone else may.
    (
        "vote",
        "put",
        "reviews/{review}/vote/",
        {"helpful": True},
        {"owner": 403, "other": 200, "brand_member": 403, "moderator": 200, "anonymous": 401},
    ),
    ("read comment", "get", "comments/{comment}/", None, dict.fromkeys(ROLES, 200)),
    ("edit comment", "patch", "comments/{comment}/", {"body": "changed"}, expect(200)),
    ("delete comment", "delete", "comments/{comment}/", None, expect(204)),
    ("replace comment", "put", "comments/{comment}/", {"body": "x"}, expect(405, 405, 401)),
]


@pytest.fixture
def world():
    product = ProductFactory()
    owner = UserFactory(username="owner")
    review = services.review_create(author=owner, product=product, rating=4, title="Mine", body="My words.", tags=[])
    comment = services.comment_create(author=owner, review=review, body="And a note.")
    moderator = UserFactory(username="moderator")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    people = {
        "owner": owner,
        "other": UserFactory(username="other"),
        "brand_member": BrandMembershipFactory(brand=product.brand, user=UserFactory(username="brandperson")).user,
        "moderator": moderator,
    }
    return {"review": review, "comment": comment, "people": people}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_object_endpoint_permissions(world, role, name, method, path, body, expected):
    review, comment = world["review"], world["comment"]
    client = APIClient() if role == "anonymous" else client_for(world["people"][role])
    url = "/api/v1/" + path.format(review=review.pk, comment=comment.pk)
    if body == "photos":
        response = client.post(url, {"photos": [image_upload("p.jpg")]}, format="multipart")
    else:
        response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected[role], response.content
    if expected[role] >= 400:
        # Refused means untouched.
        review.refresh_from_db()
        comment.refresh_from_db()
        assert (review.rating, review.status, review.photos.count()) == (4, Review.Status.PUBLISHED, 0)
        assert (comment.body, comment.status) == ("And a note.", Comment.Status.PUBLISHED)
        assert review.votes.count() == 0
