"""The author edits and deletes their own review and comments on the web (issue 25): pages with
CSRF-protected forms, a confirmation before deleting, 404/403 for everyone else; on their own
review the helpful counts are text, not buttons."""

import pytest
from django.test import Client

from reviews import services
from reviews.models import Comment, Review, ReviewPhoto
from tests.factories import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(author) -> Client:
    client = Client()
    client.force_login(author)
    return client


@pytest.fixture
def comment(member, review):
    return services.comment_create(author=member, review=review, body="Does it pill under sunscreen?")


def test_your_review_page_offers_edit_and_delete_and_shows_counts_as_text(own, web, review):
    page = own.get(review.get_absolute_url()).content.decode()
    assert f'href="/r/{review.pk}/edit/"' in page and f'href="/r/{review.pk}/delete/"' in page
    assert '<p class="vote-tally"><span data-count="helpful">0</span> found this helpful' in page
    assert "pill-static" not in page and f"/r/{review.pk}/vote/" not in page
    other = web.get(review.get_absolute_url()).content.decode()
    assert f"/r/{review.pk}/edit/" not in other and f"/r/{review.pk}/delete/" not in other
    assert "vote-tally" not in other


def test_editing_your_review_changes_text_rating_tags_and_removes_a_photo(own, review):
    form = own.get(f"/r/{review.pk}/edit/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "Calmed my redness in a week" in html and 'name="remove_photos"' in html and "csrfmiddlewaretoken" in html
    first, second = review.photos.order_by("position")
    response = own.post(
        f"/r/{review.pk}/edit/",
        {
            "rating": "3",
            "title": "Good, not magic",
            "body": "After a month: calmer, still some redness.",
            "tags": "#sensitive-skin winter",
            "remove_photos": [str(first.pk)],
        },
    )
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    review.refresh_from_db()
    assert (review.rating, review.title, review.body) == (
        3,
        "Good, not magic",
        "After a month: calmer, still some redness.",
    )
    assert sorted(review.tags.values_list("name", flat=True)) == ["sensitive-skin", "winter"]
    assert list(ReviewPhoto.objects.filter(review=review).values_list("pk", flat=True)) == [second.pk]
    assert review.is_edited
    page = own.get(review.get_absolute_url()).content.decode()
    assert "Good, not magic" in page and "edited" in page


def test_a_photo_can_be_added_and_the_htmx_form_is_told_where_to_go(author, review):
    client = Client(headers={"HX-Request": "true"})
    client.force_login(author)
    response = client.post(
        f"/r/{review.pk}/edit/",
        {"rating": "5", "title": review.title, "body": review.body, "photos": [image_upload("c.jpg")]},
    )
    assert response.status_code == 200 and response["HX-Redirect"] == review.get_absolute_url()
    assert review.photos.count() == 3


def test_a_bad_edit_names_the_field_and_changes_nothing(own, review):
    response = own.post(f"/r/{review.pk}/edit/", {"rating": "9", "title": "", "body": "x", "tags": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-errors-for="rating"><p>' in html and 'data-errors-for="title"><p>' in html
    review.refresh_from_db()
    assert review.title == "Calmed my redness in a week" and review.rating == 5 and not review.is_edited


def test_others_cannot_edit_or_delete_a_review(web, client, review):
    for url in (f"/r/{review.pk}/edit/", f"/r/{review.pk}/delete/"):
        assert web.get(url).status_code == 403
        assert web.post(url, {"rating": "1", "title": "Mine now", "body": "Hijacked."}).status_code == 403
        assert client.post(url).status_code == 302  # to log in
    assert web.get("/r/999999/edit/").status_code == 404
    review.refresh_from_db()
    assert review.title == "Calmed my redness in a week"
    assert Review.objects.filter(pk=review.pk).exists()


def test_hidden_reviews_of_others_are_not_found(web, review):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN)
    assert web.get(f"/r/{review.pk}/edit/").status_code == 404
    assert web.post(f"/r/{review.pk}/delete/").status_code == 404


def test_deleting_your_review_asks_first_then_deletes_it(own, author, review):
    confirm = own.get(f"/r/{review.pk}/delete/")
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Delete your review?" in html and "cannot be undone" in html
    assert f'<form method="post" action="/r/{review.pk}/delete/"' in html and "csrfmiddlewaretoken" in html
    assert Review.objects.filter(pk=review.pk).exists()  # asking deletes nothing
    response = own.post(f"/r/{review.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == f"/u/{author.username}/"
    assert not Review.objects.filter(pk=review.pk).exists()
    assert own.get(review.get_absolute_url()).status_code == 404


def test_deleting_needs_the_csrf_token(author, review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(f"/r/{review.pk}/delete/").status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()


def test_your_comment_shows_edit_and_delete_to_you_only(web, own, review, comment):
    mine = web.get(review.get_absolute_url()).content.decode()
    assert f'hx-get="/c/{comment.pk}/edit/"' in mine and f'hx-get="/c/{comment.pk}/delete/"' in mine
    theirs = own.get(review.get_absolute_url()).content.decode()
    assert f"/c/{comment.pk}/edit/" not in theirs and f"/c/{comment.pk}/delete/" not in theirs


def test_editing_a_comment_in_place_with_htmx(htmx, review, comment):
    form = htmx.get(f"/c/{comment.pk}/edit/")
    assert form.status_code == 200
    html = form.content.decode()
    assert html.startswith(f'<li class="comment comment-editing" id="comment-{comment.pk}">')
    assert "Does it pill under sunscreen?</textarea>" in html and f'id="comment-{comment.pk}-body"' in html
    saved = htmx.post(f"/c/{comment.pk}/edit/", {"body": "Does it pill under SPF 50?"})
    assert saved.status_code == 200
    assert saved.content.decode().lstrip().startswith(f'<li class="comment" id="comment-{comment.pk}">')
    assert "Does it pill under SPF 50?" in saved.content.decode() and "edited" in saved.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Does it pill under SPF 50?" and comment.edited_at is not None
    empty = htmx.post(f"/c/{comment.pk}/edit/", {"body": "  "})
    assert empty.status_code == 400 and "A comment cannot be empty." in empty.content.decode()


def test_editing_a_comment_without_javascript(web, review, comment):
    assert web.get(f"/c/{comment.pk}/edit/").status_code == 200
    response = web.post(f"/c/{comment.pk}/edit/", {"body": "Edited on a plain page."})
    assert response.status_code == 302
    assert response["Location"] == f"{review.get_absolute_url()}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "Edited on a plain page."


def test_deleting_a_comment_asks_first_then_removes_it_and_its_count(htmx, web, review, comment):
    confirm = htmx.get(f"/c/{comment.pk}/delete/")
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.content.decode()
    assert f'hx-post="/c/{comment.pk}/delete/"' in confirm.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert "Delete your comment?" in web.get(f"/c/{comment.pk}/delete/").content.decode()
    done = htmx.post(f"/c/{comment.pk}/delete/")
    assert done.status_code == 200
    assert f'<span id="comment-count-{review.pk}" hx-swap-oob="true">0</span>' in done.content.decode()
    assert not Comment.objects.filter(pk=comment.pk).exists()
    review.refresh_from_db()
    assert review.comment_count == 0


def test_others_cannot_edit_or_delete_a_comment(own, review, comment):
    for url in (f"/c/{comment.pk}/edit/", f"/c/{comment.pk}/delete/"):
        assert own.get(url).status_code == 403
        assert own.post(url, {"body": "Not yours."}).status_code == 403
    assert own.get("/c/999999/edit/").status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Does it pill under sunscreen?"
