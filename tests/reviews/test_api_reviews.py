import pytest

from reviews.models import HelpfulVote, Review, ReviewPhoto
from tests.conftest import client_for
from tests.factories import (
    CategoryFactory,
    HelpfulVoteFactory,
    ProductFactory,
    ReviewFactory,
    SaveFactory,
    UserFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db


def _create(client, product_obj, **overrides):
    payload = {"product": product_obj.pk, "rating": 5, "title": "Holy grail cleanser", "body": "Gentle and cheap."}
    payload.update(overrides)
    return client.post("/api/v1/reviews/", payload, format="multipart")


def test_post_a_review_with_photos_and_tags(user, auth_client):
    product = ProductFactory()
    response = _create(
        auth_client,
        product,
        tags=["Dry Skin", "#budget", "dry-skin"],
        photos=[image_upload("a.jpg"), image_upload("b.png", fmt="PNG")],
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["author"]["username"] == user.username
    assert data["tags"] == ["budget", "dry-skin"]
    assert [p["position"] for p in data["photos"]] == [0, 1]
    assert all(p["thumbnail"] for p in data["photos"])
    assert data["is_edited"] is False
    assert ReviewPhoto.objects.filter(review_id=data["id"]).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rating": 6}, "rating"),
        ({"rating": 0}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"title": ""}, "title"),
        ({"body": ""}, "body"),
        ({"product": 999999}, "product"),
        ({"tags": ["!!!"]}, "tags"),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags"),
    ],
)
def test_bad_review_input_is_a_400_naming_the_field(auth_client, overrides, field):
    response = _create(auth_client, ProductFactory(), **overrides)
    assert response.status_code == 400
    assert field in response.json()
    assert Review.objects.count() == 0


def test_a_bad_photo_leaves_no_half_written_review(auth_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"GIF89a not really", content_type="image/jpeg")
    response = _create(auth_client, ProductFactory(), photos=[image_upload(), fake])
    assert response.status_code == 400
    assert "photos" in response.json()
    assert Review.objects.count() == 0 and ReviewPhoto.objects.count() == 0


def test_ten_photos_are_refused(auth_client):
    response = _create(auth_client, ProductFactory(), photos=[image_upload(f"{i}.jpg") for i in range(10)])
    assert response.status_code == 400 and "photos" in response.json()


def test_one_review_per_author_per_product(user, auth_client):
    product = ProductFactory()
    ReviewFactory(author=user, product=product)
    response = _create(auth_client, product)
    assert response.status_code == 400
    assert "product" in response.json()


def test_edit_keeps_created_date_and_marks_edited(user, auth_client):
    review = ReviewFactory(author=user, rating=3)
    created = review.created_at
    response = auth_client.patch(f"/api/v1/reviews/{review.pk}/", {"rating": 4, "tags": ["update"]}, format="json")
    assert response.status_code == 200, response.content
    review.refresh_from_db()
    assert review.rating == 4 and review.created_at == created and review.edited_at is not None
    assert response.json()["is_edited"] is True and response.json()["tags"] == ["update"]


def test_edit_with_no_change_is_not_marked_edited(user, auth_client):
    review = ReviewFactory(author=user, rating=3)
    auth_client.patch(f"/api/v1/reviews/{review.pk}/", {"rating": 3}, format="json")
    review.refresh_from_db()
    assert review.edited_at is None


def test_read_only_fields_cannot_be_set(user, auth_client):
    other = UserFactory()
    review = ReviewFactory(author=user)
    auth_client.patch(
        f"/api/v1/reviews/{review.pk}/",
        {"helpful_count": 999, "author": other.pk, "status": "published", "created_at": "2001-01-01T00:00:00Z"},
        format="json",
    )
    review.refresh_from_db()
    assert review.helpful_count == 0 and review.author == user and review.created_at.year != 2001


def test_add_photos_later_up_to_nine(user, auth_client):
    review = ReviewFactory(author=user)
    ok = auth_client.post(f"/api/v1/reviews/{review.pk}/photos/", {"photos": [image_upload() for _ in range(8)]})
    assert ok.status_code == 201, ok.content
    too_many = auth_client.post(f"/api/v1/reviews/{review.pk}/photos/", {"photos": [image_upload(), image_upload()]})
    assert too_many.status_code == 400 and "photos" in too_many.json()
    assert review.photos.count() == 8


def test_delete_own_review(user, auth_client):
    review = ReviewFactory(author=user)
    assert auth_client.delete(f"/api/v1/reviews/{review.pk}/").status_code == 204
    assert not Review.objects.filter(pk=review.pk).exists()


class TestPermissionsOnEveryObjectEndpoint:
    """Each object endpoint as another signed-in user and as anonymous."""

    @pytest.fixture
    def review(self):
        return ReviewFactory()

    @pytest.mark.parametrize(
        ("method", "suffix", "payload"),
        [
            ("patch", "", {"rating": 1}),
            ("put", "", {"rating": 1, "title": "t", "body": "b"}),
            ("delete", "", None),
            ("post", "photos/", None),
        ],
    )
    def test_another_user_cannot_change_a_review(self, review, method, suffix, payload):
        client = client_for(UserFactory())
        response = getattr(client, method)(f"/api/v1/reviews/{review.pk}/{suffix}", payload, format="json")
        assert response.status_code == 403
        assert Review.objects.get(pk=review.pk).rating == review.rating

    @pytest.mark.parametrize(
        ("method", "suffix"),
        [
            ("patch", ""),
            ("put", ""),
            ("delete", ""),
            ("post", "photos/"),
            ("put", "vote/"),
            ("delete", "vote/"),
            ("put", "save/"),
            ("delete", "save/"),
            ("post", "comments/"),
        ],
    )
    def test_anonymous_cannot_write(self, api_client, review, method, suffix):
        response = getattr(api_client, method)(f"/api/v1/reviews/{review.pk}/{suffix}", {}, format="json")
        assert response.status_code == 401

    def test_anonymous_can_read(self, api_client, review):
        assert api_client.get(f"/api/v1/reviews/{review.pk}/").status_code == 200
        assert api_client.get(f"/api/v1/reviews/{review.pk}/comments/").status_code == 200
        assert api_client.get("/api/v1/reviews/").status_code == 200

    def test_anonymous_cannot_post_a_review(self, api_client):
        assert _create(api_client, ProductFactory()).status_code == 401

    def test_hidden_review_is_visible_only_to_its_author(self, api_client, review):
        Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN)
        assert api_client.get(f"/api/v1/reviews/{review.pk}/").status_code == 404
        assert client_for(UserFactory()).get(f"/api/v1/reviews/{review.pk}/").status_code == 404
        mine = client_for(review.author).get(f"/api/v1/reviews/{review.pk}/")
        assert mine.status_code == 200 and mine.json()["status"] == "hidden"
        assert api_client.get("/api/v1/reviews/").json()["results"] == []

    def test_not_found_ids(self, auth_client):
        assert auth_client.get("/api/v1/reviews/999999/").status_code == 404
        assert auth_client.get("/api/v1/reviews/abc/").status_code == 404
        assert auth_client.put("/api/v1/reviews/999999/vote/", {"helpful": True}, format="json").status_code == 404


class TestVotes:
    def test_vote_change_and_remove(self, user, auth_client):
        review = ReviewFactory()
        url = f"/api/v1/reviews/{review.pk}/vote/"
        assert auth_client.put(url, {"helpful": True}, format="json").json() == {
            "helpful": True,
            "helpful_count": 1,
            "not_helpful_count": 0,
        }
        # The same vote again changes nothing.
        assert auth_client.put(url, {"helpful": True}, format="json").json()["helpful_count"] == 1
        assert auth_client.put(url, {"helpful": False}, format="json").json() == {
            "helpful": False,
            "helpful_count": 0,
            "not_helpful_count": 1,
        }
        assert auth_client.delete(url).status_code == 204
        assert not HelpfulVote.objects.exists()
        review.refresh_from_db()
        assert (review.helpful_count, review.not_helpful_count) == (0, 0)

    def test_never_on_your_own_review(self, user, auth_client):
        review = ReviewFactory(author=user)
        response = auth_client.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json")
        assert response.status_code == 403
        assert "own review" in response.json()["detail"]
        assert not HelpfulVote.objects.exists()

    @pytest.mark.parametrize("payload", [{}, {"helpful": "maybe"}, {"helpful": None}])
    def test_bad_vote_body(self, auth_client, payload):
        review = ReviewFactory()
        response = auth_client.put(f"/api/v1/reviews/{review.pk}/vote/", payload, format="json")
        assert response.status_code == 400 and "helpful" in response.json()

    def test_viewer_vote_and_saved_show_in_the_review(self, user, auth_client):
        review = ReviewFactory()
        HelpfulVoteFactory(user=user, review=review, helpful=False)
        SaveFactory(user=user, review=review)
        data = auth_client.get(f"/api/v1/reviews/{review.pk}/").json()
        assert data["viewer_vote"] is False and data["viewer_saved"] is True

    def test_suspended_user_cannot_vote(self, user, auth_client):
        from datetime import timedelta

        from django.utils import timezone

        user.suspended_until = timezone.now() + timedelta(days=1)
        user.save()
        review = ReviewFactory()
        assert (
            auth_client.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json").status_code == 403
        )


class TestSavesAndComments:
    def test_save_and_unsave(self, user, auth_client):
        review = ReviewFactory()
        assert auth_client.put(f"/api/v1/reviews/{review.pk}/save/").json() == {"saved": True, "save_count": 1}
        assert auth_client.put(f"/api/v1/reviews/{review.pk}/save/").json() == {"saved": True, "save_count": 1}
        saved = auth_client.get("/api/v1/me/saved/").json()["results"]
        assert [r["id"] for r in saved] == [review.pk]
        unsaved = auth_client.delete(f"/api/v1/reviews/{review.pk}/save/")
        assert unsaved.status_code == 204 and unsaved.content == b""
        review.refresh_from_db()
        assert review.save_count == 0
        assert auth_client.get("/api/v1/me/saved/").json()["results"] == []

    def test_comment_lifecycle(self, user, auth_client):
        review = ReviewFactory()
        created = auth_client.post(f"/api/v1/reviews/{review.pk}/comments/", {"body": "Does it pill under sunscreen?"})
        assert created.status_code == 201, created.content
        comment_id = created.json()["id"]
        review.refresh_from_db()
        assert review.comment_count == 1
        listed = auth_client.get(f"/api/v1/reviews/{review.pk}/comments/").json()["results"]
        assert [c["id"] for c in listed] == [comment_id]
        edited = auth_client.patch(f"/api/v1/comments/{comment_id}/", {"body": "Edited"}, format="json")
        assert edited.status_code == 200 and edited.json()["edited_at"]
        # Someone else cannot edit or delete it.
        stranger = client_for(UserFactory())
        assert stranger.patch(f"/api/v1/comments/{comment_id}/", {"body": "x"}, format="json").status_code == 403
        assert stranger.delete(f"/api/v1/comments/{comment_id}/").status_code == 403
        assert auth_client.delete(f"/api/v1/comments/{comment_id}/").status_code == 204
        review.refresh_from_db()
        assert review.comment_count == 0

    def test_empty_comment_is_refused(self, auth_client):
        review = ReviewFactory()
        response = auth_client.post(f"/api/v1/reviews/{review.pk}/comments/", {"body": "   "}, format="json")
        assert response.status_code == 400 and "body" in response.json()


class TestListsAndFilters:
    def test_filters(self, api_client):
        skincare = CategoryFactory(slug="skincare")
        serum = ProductFactory(category=skincare)
        alice = UserFactory(username="alice")
        target = ReviewFactory(author=alice, product=serum, rating=2)
        target.tags.create(name="oily-skin")
        ReviewFactory(rating=5)

        def ids(query):
            response = api_client.get(f"/api/v1/reviews/?{query}")
            assert response.status_code == 200, response.content
            return [r["id"] for r in response.json()["results"]]

        assert ids(f"product={serum.pk}") == [target.pk]
        assert ids("author=alice") == [target.pk]
        assert ids("category=skincare") == [target.pk]
        assert ids("tag=oily-skin") == [target.pk]
        assert ids("rating=2") == [target.pk]

    def test_bad_filter_values_are_400(self, api_client):
        assert api_client.get("/api/v1/reviews/?rating=abc").status_code == 400
        assert api_client.get("/api/v1/reviews/?product=x").status_code == 400
        assert api_client.get("/api/v1/reviews/?cursor=garbage").status_code == 400

    def test_order_by_most_helpful_and_newest(self, api_client):
        low = ReviewFactory(helpful_count=1)
        high = ReviewFactory(helpful_count=9)
        newest = api_client.get("/api/v1/reviews/?ordering=-created_at").json()["results"]
        assert [r["id"] for r in newest] == [high.pk, low.pk]
        helpful = api_client.get("/api/v1/reviews/?ordering=-helpful_count").json()["results"]
        assert [r["id"] for r in helpful] == [high.pk, low.pk]
        ReviewFactory(helpful_count=5)
        helpful = api_client.get("/api/v1/reviews/?ordering=-helpful_count").json()["results"]
        assert [r["helpful_count"] for r in helpful] == [9, 5, 1]

    def test_cursor_pagination_walks_every_review_once(self, api_client):
        created = {r.pk for r in ReviewFactory.create_batch(7)}
        seen, url = [], "/api/v1/reviews/?page_size=3"
        while url:
            page = api_client.get(url).json()
            seen += [r["id"] for r in page["results"]]
            url = page["next"]
        assert sorted(seen) == sorted(created)

    def test_feed_newest_first_and_following(self, user, auth_client):
        star = UserFactory()
        from tests.factories import FollowFactory

        FollowFactory(follower=user, followee=star)
        followed = ReviewFactory(author=star)
        ReviewFactory()
        everything = auth_client.get("/api/v1/feed/").json()["results"]
        assert len(everything) == 2 and everything[0]["id"] > everything[1]["id"]
        mine = auth_client.get("/api/v1/feed/?following=1").json()["results"]
        assert [r["id"] for r in mine] == [followed.pk]


@pytest.mark.parametrize("page_size", [1, 10, 40])
def test_review_list_runs_a_constant_number_of_queries(django_assert_num_queries, page_size):
    user = UserFactory()
    for review in ReviewFactory.create_batch(40):
        review.tags.create(name=f"tag-{review.pk}")
        HelpfulVoteFactory(review=review, user=user)
    client = client_for(user)
    # token auth, the page, products (with brands and categories), tags, photos
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/reviews/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [1, 40])
def test_feed_and_products_run_a_constant_number_of_queries(api_client, django_assert_num_queries, page_size):
    ReviewFactory.create_batch(40)
    with django_assert_num_queries(4):
        api_client.get(f"/api/v1/feed/?page_size={page_size}")
    with django_assert_num_queries(1):
        api_client.get(f"/api/v1/products/?page_size={page_size}")


class TestProducts:
    def test_add_a_product_and_find_it(self, auth_client, api_client):
        CategoryFactory(slug="skincare")
        from tests.factories import BrandFactory

        BrandFactory(slug="glowco", name="GlowCo")
        created = auth_client.post(
            "/api/v1/products/", {"brand": "glowco", "category": "skincare", "name": "Dew Serum"}, format="json"
        )
        assert created.status_code == 201, created.content
        assert created.json()["slug"] == "glowco-dew-serum"
        # The same product again (any case) returns the existing one instead of a duplicate.
        again = auth_client.post(
            "/api/v1/products/", {"brand": "glowco", "category": "skincare", "name": "dew serum"}, format="json"
        )
        assert again.json()["id"] == created.json()["id"]
        found = api_client.get("/api/v1/products/?q=dew&category=skincare&brand=glowco").json()["results"]
        assert [p["slug"] for p in found] == ["glowco-dew-serum"]
        assert api_client.get("/api/v1/products/glowco-dew-serum/").json()["review_count"] == 0

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"brand": "nope", "category": "skincare", "name": "X"}, "brand"),
            ({"brand": "glowco", "category": "nope", "name": "X"}, "category"),
            ({"brand": "glowco", "category": "skincare", "name": ""}, "name"),
            ({"brand": "glowco", "category": "skincare", "name": "   "}, "name"),
        ],
    )
    def test_bad_product_input(self, auth_client, payload, field):
        CategoryFactory(slug="skincare")
        from tests.factories import BrandFactory

        BrandFactory(slug="glowco")
        response = auth_client.post("/api/v1/products/", payload, format="json")
        assert response.status_code == 400 and field in response.json()

    def test_anonymous_cannot_add_products(self, api_client):
        assert api_client.post("/api/v1/products/", {}, format="json").status_code == 401

    def test_product_stats_count_only_published_reviews(self, api_client):
        product = ProductFactory()
        ReviewFactory(product=product, rating=5)
        ReviewFactory(product=product, rating=3)
        ReviewFactory(product=product, rating=1, status="removed")
        data = api_client.get(f"/api/v1/products/{product.slug}/").json()
        assert data["review_count"] == 2 and data["average_rating"] == 4.0


@pytest.mark.parametrize("query", ["product=-2.2e300", "product=99999999999999999999999", "rating=211", "min_rating=0"])
def test_out_of_range_numbers_are_400_not_500(api_client, query):
    response = api_client.get(f"/api/v1/reviews/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_media_urls_are_absolute(api_client, user, auth_client):
    auth_client.patch("/api/v1/me/", {"avatar": image_upload()}, format="multipart")
    assert api_client.get(f"/api/v1/users/{user.username}/").json()["avatar"].startswith("http://testserver/media/")
    ReviewFactory(author=user)
    listed = api_client.get("/api/v1/reviews/").json()["results"][0]
    assert listed["author"]["avatar"].startswith("http://testserver/media/")
