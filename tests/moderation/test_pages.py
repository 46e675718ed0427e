"""The moderation web pages: who may open them, the decisions they post, CSRF, errors."""

import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from moderation import services
from moderation.models import Announcement, AuditEntry, EditorsPick, QueueItem, Report
from ranking.models import FlaggedVote, FraudFlag
from reviews.models import Review
from tests.factories import HelpfulVoteFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(review, comment, consumer, other_moderator, category):
    services.report_create(reporter=consumer, review=review, reason="spam", note="Affiliate links everywhere")
    flag = FraudFlag.objects.create(
        kind="serial_voting",
        key="serial:1:2",
        evidence={"voter": "v", "author": review.author.username, "max_votes_in_24h": 9, "threshold": 5},
    )
    vote = HelpfulVoteFactory(review=review)
    flag.accounts.add(vote.user)
    FlaggedVote.objects.create(flag=flag, vote=vote)
    announcement = services.announcement_create(moderator=other_moderator, title="Welcome")
    return {"item": QueueItem.objects.get(review=review), "flag": flag, "announcement": announcement}


def pages(world, review, comment, author, category) -> list[str]:
    return [
        "/moderation/",
        "/moderation/?tab=fraud",
        "/moderation/?status=closed",
        f"/moderation/queue/{world['item'].pk}/",
        f"/moderation/reviews/{review.pk}/",
        f"/moderation/comments/{comment.pk}/",
        f"/moderation/members/{author.username}/",
        f"/moderation/fraud/{world['flag'].pk}/",
        "/moderation/announcements/",
        f"/moderation/announcements/{world['announcement'].pk}/",
        "/moderation/picks/",
        f"/moderation/picks/{category.slug}/",
        "/moderation/audit/",
    ]


def test_moderator_pages_open_for_moderators_only(
    world, review, comment, author, category, brand_member, mod_web, consumer_web
):
    brand_web = Client()
    brand_web.force_login(brand_member)
    for path in pages(world, review, comment, author, category):
        response = mod_web.get(path)
        assert response.status_code == 200, path
        assert b'name="viewport"' in response.content and b"moderation/moderation.css" in response.content
        assert consumer_web.get(path).status_code == 403, path
        assert brand_web.get(path).status_code == 403, path
        anonymous = Client().get(path)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/"), path


def test_queue_page_shows_the_reported_item_with_reasons(world, mod_web, review):
    html = mod_web.get("/moderation/").content.decode()
    assert review.title in html and "Spam × 1" in html
    item_page = mod_web.get(f"/moderation/queue/{world['item'].pk}/").content.decode()
    assert "Affiliate links everywhere" in item_page and 'value="hide"' in item_page


def test_fraud_page_shows_who_voted_on_whom(world, mod_web, review):
    html = mod_web.get(f"/moderation/fraud/{world['flag'].pk}/").content.decode()
    vote = FlaggedVote.objects.get(flag=world["flag"]).vote
    assert vote.user.username in html and review.author.username in html and "9 (threshold 5)" in html


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def token_from(client: Client, path: str) -> str:
    html = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_decisions_need_the_csrf_token(world, moderator, review):
    client = csrf_client(moderator)
    path = f"/moderation/reviews/{review.pk}/action/"
    assert client.post(path, {"action": "hide", "reason": "Spam"}).status_code == 403
    assert Review.objects.get(pk=review.pk).status == "published"
    token = token_from(client, f"/moderation/reviews/{review.pk}/")
    response = client.post(path, {"action": "hide", "reason": "Spam", "confirm": "yes", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == f"/moderation/reviews/{review.pk}/"
    assert Review.objects.get(pk=review.pk).status == "hidden"
    assert QueueItem.objects.get(pk=world["item"].pk).status == "closed"


def test_a_decision_without_a_reason_is_refused_on_the_field(world, mod_web, review):
    response = mod_web.post(f"/moderation/reviews/{review.pk}/action/", {"action": "hide", "reason": ""})
    assert response.status_code == 400 and b"This field is required" in response.content
    response = mod_web.post(f"/moderation/reviews/{review.pk}/action/", {"action": "restore", "reason": "x"})
    assert response.status_code == 400 and b"cannot be restored" in response.content
    assert not AuditEntry.objects.filter(target_type="review").exists()


def test_queue_item_decisions_return_to_the_queue(world, mod_web, review, comment):
    response = mod_web.post(
        f"/moderation/reviews/{review.pk}/action/",
        {"action": "remove", "reason": "Fake", "next": "queue", "confirm": "yes"},
    )
    assert response.status_code == 302 and response["Location"] == "/moderation/"
    services.report_create(reporter=UserFactory(), comment=comment, reason="offensive")
    item = QueueItem.objects.get(comment=comment)
    assert mod_web.post(f"/moderation/queue/{item.pk}/dismiss/", {"reason": ""}).status_code == 302
    assert QueueItem.objects.get(pk=item.pk).resolution == "dismissed"


def test_comment_decision_page(world, mod_web, comment, review):
    response = mod_web.post(
        f"/moderation/comments/{comment.pk}/action/", {"action": "hide", "reason": "Rude", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).comment_count == 0


def test_member_page_suspends_and_refuses_bad_days(world, mod_web, author):
    path = f"/moderation/members/{author.username}/action/"
    response = mod_web.post(path, {"action": "suspend", "reason": "Spam"})
    assert response.status_code == 400 and b"Required to suspend" in response.content
    assert mod_web.post(path, {"action": "suspend", "reason": "Spam", "days": "400"}).status_code == 400
    assert mod_web.post(path, {"action": "suspend", "reason": "Spam", "days": "2", "confirm": "yes"}).status_code == 302
    author.refresh_from_db()
    assert author.is_suspended
    page = mod_web.get(f"/moderation/members/{author.username}/").content.decode()
    assert "Suspended until" in page and "Lift suspension" in page


def test_own_content_shows_no_decision_form(mod_web, moderator, product):
    own = ReviewFactory(author=moderator, product=product)
    html = mod_web.get(f"/moderation/reviews/{own.pk}/").content.decode()
    assert "another moderator must decide" in html and 'value="hide"' not in html
    assert mod_web.post(f"/moderation/reviews/{own.pk}/action/", {"action": "hide", "reason": "x"}).status_code == 403


def test_feature_from_the_review_page(world, mod_web, review):
    assert mod_web.post(f"/moderation/reviews/{review.pk}/feature/", {"days": "99"}).status_code == 400
    assert mod_web.post(f"/moderation/reviews/{review.pk}/feature/", {"days": "5"}).status_code == 302
    assert b"Featured until" in mod_web.get(f"/moderation/reviews/{review.pk}/").content
    assert mod_web.post(f"/moderation/reviews/{review.pk}/feature/", {"op": "end"}).status_code == 302
    assert AuditEntry.objects.filter(action__in=["review_feature", "review_unfeature"]).count() == 2


def test_fraud_decision_page(world, mod_web):
    path = f"/moderation/fraud/{world['flag'].pk}/decision/"
    assert mod_web.post(path, {"decision": "confirm", "reason": ""}).status_code == 400
    assert mod_web.post(path, {"decision": "confirm", "reason": "Burst of votes"}).status_code == 302
    assert FraudFlag.objects.get(pk=world["flag"].pk).status == "confirmed"


def test_announcements_pages(world, mod_web):
    response = mod_web.post(
        "/moderation/announcements/",
        {"title": "Tester week", "pinned": "on", "tone": "info", "link_url": "javascript:x"},
    )
    assert response.status_code == 400 and b"Use a path on Candor" in response.content
    response = mod_web.post("/moderation/announcements/", {"title": "Tester week", "pinned": "on", "tone": "info"})
    assert response.status_code == 302
    created = Announcement.objects.get(title="Tester week")
    assert created.pinned and created.created_by is not None
    edit = f"/moderation/announcements/{created.pk}/"
    assert mod_web.post(edit, {"title": "Tester week!", "tone": "warning"}).status_code == 302
    created.refresh_from_db()
    assert (created.title, created.tone, created.pinned) == ("Tester week!", "warning", False)


def test_picks_page_adds_moves_and_removes(world, mod_web, category, product):
    first, second = ReviewFactory(product=product), ReviewFactory(product=product)
    path = f"/moderation/picks/{category.slug}/"
    response = mod_web.post(path, {"op": "add", "review": "not a review"})
    assert response.status_code == 400 and b"review&#x27;s number" in response.content
    assert mod_web.post(path, {"op": "add", "review": "999999"}).status_code == 400
    assert mod_web.post(path, {"op": "add", "review": f"https://candor.example/r/{first.pk}/"}).status_code == 302
    assert mod_web.post(path, {"op": "add", "review": str(second.pk), "note": "Honest"}).status_code == 302
    order = lambda: list(EditorsPick.objects.order_by("position").values_list("review_id", flat=True))  # noqa: E731
    assert order() == [first.pk, second.pk]
    assert mod_web.post(path, {"op": "up", "review": second.pk}).status_code == 302
    assert order() == [second.pk, first.pk]
    assert mod_web.post(path, {"op": "remove", "review": second.pk}).status_code == 302
    assert order() == [first.pk]
    assert mod_web.post(path, {"op": "sideways", "review": first.pk}).status_code == 400


def test_audit_page_lists_and_filters(world, mod_web, moderator, author):
    services.user_warn(user=author, moderator=moderator, reason="Gifts must be disclosed")
    html = mod_web.get(f"/moderation/audit/?member={author.username}").content.decode()
    assert "Gifts must be disclosed" in html and "Welcome" not in html
    assert mod_web.get("/moderation/audit/?action=nonsense").status_code == 400


# --- reports (members) ----------------------------------------------------------------------


def test_member_reports_through_the_form(review, consumer_web, consumer):
    path = f"/report/review/{review.pk}/"
    assert consumer_web.get(path).status_code == 200
    assert consumer_web.post(path, {"reason": "other", "note": ""}).status_code == 400
    response = consumer_web.post(path, {"reason": "fake", "note": "Gifted, not disclosed"})
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert Report.objects.get(reporter=consumer).reason == "fake"
    again = consumer_web.post(path, {"reason": "spam"})
    assert again.status_code == 400 and b"already reported" in again.content


def test_report_form_for_comments_and_refusals(review, comment, consumer_web, author):
    assert consumer_web.post(f"/report/comment/{comment.pk}/", {"reason": "offensive"}).status_code == 302
    own = Client()
    own.force_login(author)
    assert own.post(f"/report/review/{review.pk}/", {"reason": "spam"}).status_code == 400
    anonymous = Client().get(f"/report/review/{review.pk}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    Review.objects.filter(pk=review.pk).update(status="hidden")
    assert consumer_web.get(f"/report/review/{review.pk}/").status_code == 404
    assert consumer_web.get("/report/review/999999/").status_code == 404


# --- include tags for other pages -------------------------------------------------------------


def render(template: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load moderation_tags %}" + template).render(Context({"request": request, **context}))


def test_hidden_review_tells_its_author_the_reason(review, author, consumer, moderator):
    services.review_moderate(review=review, moderator=moderator, action="hide", reason="Undisclosed gift")
    review.refresh_from_db()
    assert "Undisclosed gift" in render("{% moderation_notice review %}", author, review=review)
    assert "only you and moderators" in render("{% moderation_notice review %}", author, review=review)
    assert "Undisclosed gift" in render("{% moderation_notice review %}", moderator, review=review)
    assert render("{% moderation_notice review %}", consumer, review=review).strip() == ""


def test_report_and_moderate_links(review, author, consumer, moderator):
    assert f"/report/review/{review.pk}/" in render("{% moderation_links review %}", consumer, review=review)
    assert "Moderate" not in render("{% moderation_links review %}", consumer, review=review)
    assert "/report/" not in render("{% moderation_links review %}", author, review=review)
    assert f"/moderation/reviews/{review.pk}/" in render("{% moderation_links review %}", moderator, review=review)
