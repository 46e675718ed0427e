"""Notifications read in the reader's language of the moment, whatever language they were written
in (issue 26; accounts.notifications): the page and the API word each one again from its kind and
data, and fall back to the stored words when its data lacks what the text needs."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import notifications as texts
from accounts.models import Notification
from ranking.models import ReviewerStanding
from tests.conftest import client_for
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory
from tests.i18n.zh import ZH, get_zh
from tests.ranking.conftest import add_votes, make_review, rerank

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def category():
    return CategoryFactory()


def _api_titles(user, language: str | None = None) -> list[str]:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client_for(user).get("/api/v1/me/notifications/", **headers)
    assert response.status_code == 200
    return [note["title"] for note in response.json()["results"]]


def _page(user, language: str) -> str:
    client = Client()
    client.force_login(user)
    if language == ZH:
        response = get_zh(client, "notifications")
    else:
        with translation.override("en"):
            response = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _level_up_in_english(category, monkeypatch) -> tuple[Notification, int]:
    """The rerank, run in English as the nightly job is, announces a level to a reviewer who chose no
    language (the level made reachable as tests/i18n/test_ranking_zh.py does)."""
    from ranking import scoring as S

    review = make_review(product=ProductFactory(category=category))
    with translation.override("en"):
        rerank(full=True)
        top = ReviewerStanding.objects.get(user=review.author).reputation
        monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, top + 0.01, *(10**6 * n for n in range(1, 9))])
        add_votes(review, helpful=6)
        rerank()
    note = Notification.objects.get(recipient=review.author, kind=Notification.Kind.LEVEL_UP)
    return note, note.data["level"]


def test_a_level_up_written_in_english_by_the_rerank_reads_in_the_readers_language(category, monkeypatch):
    note, level = _level_up_in_english(category, monkeypatch)
    reader = note.recipient
    assert reader.language == "" and note.title == f"You reached level {level}"
    # A reader of the Chinese interface (Accept-Language, no profile choice): page and API.
    assert f"你升到了 Lv{level}" in _page(reader, ZH)
    assert _api_titles(reader, ZH) == [f"你升到了 Lv{level}"]
    # The same row, read in English.
    page = _page(reader, "en")
    assert f"You reached level {level}" in page and "你升到了" not in page
    assert _api_titles(reader, "en") == [f"You reached level {level}"]


def test_the_profile_language_switch_rewords_old_notifications(category, monkeypatch):
    note, level = _level_up_in_english(category, monkeypatch)
    reader = note.recipient
    type(reader).objects.filter(pk=reader.pk).update(language=ZH)
    reader.refresh_from_db()
    assert _api_titles(reader) == [f"你升到了 Lv{level}"]
    type(reader).objects.filter(pk=reader.pk).update(language="en")
    reader.refresh_from_db()
    assert _api_titles(reader) == [f"You reached level {level}"]


def test_a_comment_by_an_english_speaking_member_reads_in_chinese():
    review = ReviewFactory()
    commenter = UserFactory(display_name="Mei", language="en")
    response = client_for(commenter).post(
        f"/api/v1/reviews/{review.pk}/comments/", {"body": "Does it pill?"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 201, response.content
    stored = Notification.objects.get(recipient=review.author, kind=Notification.Kind.COMMENT)
    assert stored.title == "Mei commented on your review" and stored.body == "Does it pill?"
    assert "Mei 评论了你的笔记" in _page(review.author, ZH)
    chinese = client_for(review.author).get("/api/v1/me/notifications/", HTTP_ACCEPT_LANGUAGE=ZH).json()
    assert chinese["results"][0]["title"] == "Mei 评论了你的笔记"
    assert chinese["results"][0]["body"] == "Does it pill?"  # the comment itself is not ours to translate
    assert _api_titles(review.author, "en") == ["Mei commented on your review"]


def test_rows_whose_data_lacks_what_the_text_needs_show_their_stored_words():
    reader = UserFactory()
    # Written before the comment's data held the commenter's name; and a kind with no text.
    Notification.objects.create(
        recipient=reader,
        kind=Notification.Kind.COMMENT,
        title="Lin commented on your review",
        body="Nice",
        data={"review": 1, "comment": 2, "by": "lin"},
    )
    Notification.objects.create(recipient=reader, kind=Notification.Kind.OTHER, title="A notice from before")
    Notification.objects.create(
        recipient=reader, kind=Notification.Kind.LEVEL_UP, title="You reached level x", data={"level": "x"}
    )
    assert _api_titles(reader, ZH) == ["You reached level x", "A notice from before", "Lin commented on your review"]
    page = _page(reader, ZH)
    assert "Lin commented on your review" in page and "A notice from before" in page and "Nice" in page


def test_every_registered_text_reads_in_both_languages():
    registered = texts.registered()
    assert {text.kind for text in registered} == set(Notification.Kind.values)
    for text in registered:
        data = {**text.example, "text": text.name} if text.name else text.example
        with translation.override("en"):
            english = texts.render(text.kind, data)
        with translation.override(ZH):
            chinese = texts.render(text.kind, data)
        assert english is not None and chinese is not None, (text.kind, text.name)
        assert english[0] and not CJK.search(english[0]), (text.kind, text.name, english)
        assert CJK.search(chinese[0]) and chinese[0] != english[0], (text.kind, text.name, chinese)
        if english[1]:
            assert chinese[1], (text.kind, text.name)


def test_notify_without_a_title_words_it_in_the_recipients_language():
    from accounts.services import notify

    reader = UserFactory(language=ZH)
    with translation.override("en"):
        note = notify(
            recipient=reader, kind=Notification.Kind.NEW_FOLLOWER, data={"follower": "mei", "follower_name": "Mei"}
        )
    assert note.title == "Mei 关注了你"
    with pytest.raises(ValueError, match="new_follower"):
        notify(recipient=reader, kind=Notification.Kind.NEW_FOLLOWER, data={"follower": "mei"})


def test_a_demotion_written_in_english_reads_in_chinese_with_its_reason():
    from ranking import services

    tester = UserFactory(language="")
    ReviewerStanding.objects.update_or_create(user=tester, defaults={"is_tester": True})
    with translation.override("en"):  # the campaigns job, as the nightly rerank, runs in English
        event = services.tester_demote(user=tester, figures={"overdue_reviews": 2})
    note = Notification.objects.get(recipient=tester, kind=Notification.Kind.DEMOTION)
    assert note.data["reason"] == event.reason and note.body == "Invited reviews overdue."
    chinese = client_for(tester).get("/api/v1/me/notifications/", HTTP_ACCEPT_LANGUAGE=ZH).json()["results"]
    assert [(n["title"], n["body"]) for n in chinese] == [("你的邀请测评官资格已结束", "邀请测评笔记逾期。")]
    page = _page(tester, ZH)
    assert "你的邀请测评官资格已结束" in page and "邀请测评笔记逾期" in page
    assert _api_titles(tester, "en") == ["Your invited-tester status has ended"]
