"""Moderation shows up where members read: announcements on Discover, report and moderate links
on reviews and comments, the reason on hidden content for its author, editor's picks on category
rankings, and a Moderation link in the header for moderators only."""

import pytest
from django.test import Client

from moderation import services

pytestmark = pytest.mark.django_db


def page(user, url: str) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_pinned_announcement_is_shown_on_discover(moderator, consumer):
    services.announcement_create(moderator=moderator, title="Spring testing week", body="New campaigns open.")
    assert "Spring testing week" in page(None, "/")
    assert "Spring testing week" in page(consumer, "/")


def test_review_page_offers_report_to_readers_and_moderate_to_moderators(review, consumer, moderator, author):
    as_reader = page(consumer, review.get_absolute_url())
    assert f"/report/review/{review.pk}/" in as_reader and f"/moderation/reviews/{review.pk}/" not in as_reader
    as_moderator = page(moderator, review.get_absolute_url())
    assert f"/moderation/reviews/{review.pk}/" in as_moderator
    # Nobody reports their own review.
    assert f"/report/review/{review.pk}/" not in page(author, review.get_absolute_url())


def test_comments_carry_report_links(review, comment, consumer):
    assert f"/report/comment/{comment.pk}/" in page(consumer, review.get_absolute_url())


def test_author_of_a_hidden_review_sees_the_reason(review, author, moderator):
    services.review_moderate(review=review, moderator=moderator, action="hide", reason="Undisclosed free sample")
    assert "Undisclosed free sample" in page(author, review.get_absolute_url())


def test_editors_picks_appear_on_the_category_ranking(review, category, moderator):
    services.editors_picks_set(category=category, moderator=moderator, picks=[{"review": review.pk}])
    html = page(None, f"/rankings/{category.slug}/")
    assert "Editor's picks" in html and review.title in html


def test_header_links_to_moderation_for_moderators_only(moderator, consumer):
    assert 'href="/moderation/"' in page(moderator, "/")
    assert 'href="/moderation/"' not in page(consumer, "/")
    assert 'href="/moderation/"' not in page(None, "/")
