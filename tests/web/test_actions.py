"""Helpful votes, saves, follows and comments: in place with htmx, or as plain form posts."""

import pytest
from django.test import Client

from accounts.models import Follow
from reviews.models import Comment, Review, Save

pytestmark = pytest.mark.django_db


def counts(review) -> tuple[int, int]:
    review.refresh_from_db()
    return review.helpful_count, review.not_helpful_count


def test_voting_changes_the_counts_and_returns_the_new_buttons(htmx, review):
    url = f"/r/{review.pk}/vote/"
    response = htmx.post(url, {"vote": "helpful"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith(f'<div class="vote" id="vote-{review.pk}">')
    assert 'aria-pressed="true" data-vote="helpful"' in fragment
    assert '<span class="count" data-count="helpful">1</span>' in fragment
    assert counts(review) == (1, 0)
    # a second click on the pressed button sends "clear"
    assert 'name="vote" value="clear"' in fragment

    htmx.post(url, {"vote": "not_helpful"})
    assert counts(review) == (0, 1)
    htmx.post(url, {"vote": "not_helpful"})  # the same target state twice changes nothing
    assert counts(review) == (0, 1)
    htmx.post(url, {"vote": "clear"})
    assert counts(review) == (0, 0)


def test_voting_without_javascript_redirects_back(web, review, product):
    response = web.post(f"/r/{review.pk}/vote/", {"vote": "helpful", "next": product.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    assert counts(review) == (1, 0)


def test_redirect_back_never_leaves_the_site(web, review):
    response = web.post(f"/r/{review.pk}/vote/", {"vote": "helpful", "next": "https://evil.example/"})
    assert response["Location"] == review.get_absolute_url()


def test_self_votes_are_refused(author, review):
    for headers in ({}, {"HX-Request": "true"}):
        client = Client(headers=headers)
        client.force_login(author)
        response = client.post(f"/r/{review.pk}/vote/", {"vote": "helpful"})
        assert response.status_code == 403
        assert "You cannot vote on your own review." in response.content.decode()
    assert counts(review) == (0, 0)


def test_own_review_shows_counts_without_vote_buttons(author, review):
    client = Client()
    client.force_login(author)
    page = client.get(review.get_absolute_url()).content.decode()
    assert f"/r/{review.pk}/vote/" not in page
    assert "You cannot vote on your own review" in page


def test_unknown_vote_value_is_refused_naming_the_field(htmx, review):
    response = htmx.post(f"/r/{review.pk}/vote/", {"vote": "love"})
    assert response.status_code == 400
    assert response.content.decode().startswith("vote:")
    assert counts(review) == (0, 0)


def test_votes_on_hidden_reviews_are_refused(htmx, review):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.HIDDEN)
    assert htmx.post(f"/r/{review.pk}/vote/", {"vote": "helpful"}).status_code == 404


def test_anonymous_votes_go_to_log_in(client, review):
    response = client.post(f"/r/{review.pk}/vote/", {"vote": "helpful"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    htmx = client.post(
        f"/r/{review.pk}/vote/", {"vote": "helpful"}, headers={"HX-Request": "true", "Referer": "http://testserver/"}
    )
    assert htmx.status_code == 401
    assert htmx["HX-Redirect"] == "/login/?next=http://testserver/"
    assert counts(review) == (0, 0)


def test_actions_only_accept_post(web, review, author):
    for url in [f"/r/{review.pk}/vote/", f"/r/{review.pk}/save/", f"/r/{review.pk}/comments/", f"/u/{author}/follow/"]:
        assert web.get(url).status_code == 405, url


def test_saving_adds_to_your_collection_and_counts(htmx, member, review):
    response = htmx.post(f"/r/{review.pk}/save/", {"saved": "1"})
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<span>Saved</span>" in fragment
    assert '<span class="count" data-count="saves">1</span>' in fragment
    assert Save.objects.filter(user=member, review=review).exists()
    review.refresh_from_db()
    assert review.save_count == 1

    htmx.post(f"/r/{review.pk}/save/", {"saved": "1"})  # already saved: nothing changes
    review.refresh_from_db()
    assert review.save_count == 1
    htmx.post(f"/r/{review.pk}/save/", {"saved": "0"})
    review.refresh_from_db()
    assert review.save_count == 0
    assert htmx.post(f"/r/{review.pk}/save/", {"saved": "maybe"}).status_code == 400


def test_following_changes_the_follower_count(htmx, member, author):
    response = htmx.post(f"/u/{author.username}/follow/", {"follow": "1"})
    fragment = response.content.decode()
    assert response.status_code == 200
    assert ">Following<" in fragment
    assert f'<span id="followers-count-{author.pk}" hx-swap-oob="true">1</span>' in fragment
    assert Follow.objects.filter(follower=member, followee=author).exists()
    response = htmx.post(f"/u/{author.username}/follow/", {"follow": "0"})
    assert f'<span id="followers-count-{author.pk}" hx-swap-oob="true">0</span>' in response.content.decode()
    assert not Follow.objects.filter(follower=member, followee=author).exists()


def test_following_yourself_is_refused(htmx, member):
    response = htmx.post(f"/u/{member.username}/follow/", {"follow": "1"})
    assert response.status_code == 400
    assert response.content.decode() == "You cannot follow yourself."
    assert not Follow.objects.exists()


def test_following_without_javascript_redirects_to_the_profile(web, author):
    response = web.post(f"/u/{author.username}/follow/", {"follow": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/u/{author.username}/"


def test_commenting_appends_the_comment_and_bumps_the_count(htmx, member, review):
    response = htmx.post(f"/r/{review.pk}/comments/", {"body": "Does it pill under sunscreen?"})
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "Does it pill under sunscreen?" in fragment
    assert f'<span id="comment-count-{review.pk}" hx-swap-oob="true">1</span>' in fragment
    review.refresh_from_db()
    assert review.comment_count == 1
    assert Comment.objects.get(review=review).author == member


def test_empty_comment_is_refused_naming_the_body(htmx, web, review):
    response = htmx.post(f"/r/{review.pk}/comments/", {"body": "   "})
    assert response.status_code == 400
    assert "A comment cannot be empty." in response.content.decode()
    page = web.post(f"/r/{review.pk}/comments/", {"body": ""})
    assert page.status_code == 400
    assert "A comment cannot be empty." in page.content.decode()
    assert review.title in page.content.decode()  # the review page itself, with the error
    assert not Comment.objects.exists()


def test_comment_without_javascript_redirects_to_the_comment(web, review):
    response = web.post(f"/r/{review.pk}/comments/", {"body": "Lovely photos"})
    comment = Comment.objects.get()
    assert response["Location"] == f"{review.get_absolute_url()}#comment-{comment.pk}"


def test_htmx_answers_keep_the_page_as_the_place_to_return_to(htmx, review, product):
    fragment = htmx.post(
        f"/r/{review.pk}/vote/", {"vote": "helpful", "next": product.get_absolute_url()}
    ).content.decode()
    assert f'name="next" value="{product.get_absolute_url()}"' in fragment
