"""The moderation pages and the report form in Simplified Chinese (issue 26); English stays the
default (tests/moderation assert the English wording)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from moderation import services
from moderation.models import QueueItem
from tests.factories import ProductFactory, ReviewFactory, UserFactory
from tests.i18n.zh import get_zh, text_zh
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    author = UserFactory(username="haruto")
    return ReviewFactory(author=author, product=ProductFactory(), title="Calmed my redness")


@pytest.fixture
def mod_web() -> Client:
    client = Client()
    client.force_login(make_moderator(username="mod_ana"))
    return client


@pytest.fixture
def reported(review):
    reporter = UserFactory(username="veteran", date_joined=timezone.now() - timedelta(days=400))
    services.report_create(reporter=reporter, review=review, reason="spam")
    return QueueItem.objects.get(review=review)


def test_report_form_and_its_thanks_in_chinese(review):
    client = Client()
    client.force_login(UserFactory())
    page = text_zh(client, "report-review", review.pk)
    assert "举报这篇笔记" in page and "哪里有问题？" in page and "垃圾广告" in page and "提交举报" in page
    done = get_zh(client, "report-review", review.pk, method="post", data={"reason": "spam"})
    assert done.status_code == 200 and "谢谢！审核员会尽快查看。" in done.content.decode()


def test_queue_and_reported_item_in_chinese(mod_web, reported, review):
    queue = text_zh(mod_web, "moderation-queue")
    assert "审核队列" in queue and "笔记：Calmed my redness" in queue and "1 位举报者" in queue
    assert ">公告</a>" in queue and ">操作记录</a>" in queue and ">编辑精选</a>" in queue
    item = text_zh(mod_web, "moderation-item", reported.pk)
    assert "被举报的笔记" in item and "账号已注册 400 天" in item and "垃圾广告" in item
    assert "隐藏…" in item and "驳回这些举报" in item and "作者会看到这条理由。" in item


def test_hiding_asks_to_confirm_in_chinese(mod_web, review):
    data = {"action": "hide", "reason": "Spam link"}
    page = get_zh(mod_web, "moderation-review-action", review.pk, method="post", data=data).content.decode()
    assert "隐藏这篇笔记？" in page and "10 分钟内可以撤销。" in page and "确定隐藏" in page
    done = get_zh(mod_web, "moderation-review-action", review.pk, method="post", data={**data, "confirm": "yes"})
    assert "笔记已隐藏，已通知作者。" in done.content.decode()


def test_member_page_and_suspension_in_chinese(mod_web, review):
    page = text_zh(mod_web, "moderation-member", "haruto")
    assert "状态良好" in page and ">警告</button>" in page and "封禁…" in page and "天数" in page
    data = {"action": "suspend", "reason": "Spam", "days": "3"}
    confirm = get_zh(mod_web, "moderation-member-action", "haruto", method="post", data=data).content.decode()
    assert "封禁 haruto 3 天？" in confirm
    missing_days = get_zh(mod_web, "moderation-member-action", "haruto", method="post", data={**data, "days": ""})
    assert "封禁几天？封禁时必填。" in missing_days.content.decode()


def test_audit_log_and_announcements_in_chinese(mod_web):
    audit = text_zh(mod_web, "moderation-audit")
    assert "审核员和工作人员的每一个决定" in audit and "全部操作" in audit and "隐藏了笔记" in audit
    announcements = text_zh(mod_web, "moderation-announcements")
    assert "新公告" in announcements and "置顶在发现页上方" in announcements and ">发布</button>" in announcements


def test_the_author_is_told_in_their_own_language(mod_web, review):
    """The moderator works in English; the author chose Chinese."""
    from accounts.models import Notification

    type(review.author).objects.filter(pk=review.author_id).update(language="zh-hans")
    data = {"action": "hide", "reason": "Spam link", "confirm": "yes"}
    mod_web.post(f"/moderation/reviews/{review.pk}/action/", data, HTTP_ACCEPT_LANGUAGE="en")
    notice = Notification.objects.get(recipient=review.author, kind=Notification.Kind.MODERATION)
    assert notice.title == "你的笔记被审核员隐藏了"
    assert notice.body == "“Calmed my redness”已不再向他人显示，你自己仍能看到。理由：Spam link"


def test_a_suspension_is_told_in_the_members_language(mod_web, review):
    from accounts.models import Notification

    type(review.author).objects.filter(pk=review.author_id).update(language="zh-hans")
    data = {"action": "suspend", "reason": "Spam", "days": "3", "confirm": "yes"}
    mod_web.post("/moderation/members/haruto/action/", data, HTTP_ACCEPT_LANGUAGE="en")
    notice = Notification.objects.get(recipient=review.author, kind=Notification.Kind.MODERATION)
    assert notice.title == "你的账号被封禁 3 天" and notice.body.endswith("你不能发布、评论或投票。理由：Spam")


def test_the_audit_log_tells_each_decision_in_chinese(mod_web, review):
    data = {"action": "hide", "reason": "Spam link", "confirm": "yes"}
    get_zh(mod_web, "moderation-review-action", review.pk, method="post", data=data)
    audit = text_zh(mod_web, "moderation-audit")
    assert f"mod_ana 隐藏了笔记 #{review.pk}“Calmed my redness” —— 理由：Spam link" in audit


# --- refusals and the words a decision leaves behind ------------------------------------------------


def test_api_refusals_in_chinese(review):
    from rest_framework.test import APIClient

    moderator = APIClient()
    moderator.force_authenticate(make_moderator(username="mod_li"))
    bad = moderator.get("/api/v1/moderation/queue/?status=bogus", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 400 and bad.json() == {"status": ["请从以下选项中选择：open, closed。"]}
    member = APIClient()
    member.force_authenticate(UserFactory())
    refused = member.get("/api/v1/moderation/queue/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 403 and refused.json() == {"detail": "只有审核员可以执行此操作。"}
    hidden = moderator.post(
        f"/api/v1/moderation/reviews/{review.pk}/action/", {"action": "hide", "reason": "Spam"}, format="json"
    )
    assert hidden.status_code == 200, hidden.content
    again = moderator.post(
        f"/api/v1/moderation/reviews/{review.pk}/action/",
        {"action": "hide", "reason": "Spam"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert again.status_code == 400 and again.json() == {"action": ["这条笔记的状态为「已隐藏」，无法隐藏。"]}


def test_an_undo_tells_the_author_in_their_language_and_records_the_moderators(review):
    from django.utils import translation

    from accounts.models import Notification
    from moderation.models import AuditEntry

    type(review.author).objects.filter(pk=review.author_id).update(language="zh-hans")
    review.author.refresh_from_db()
    moderator = make_moderator(username="mod_sam")
    with translation.override("en"):
        services.review_moderate(review=review, moderator=moderator, action="hide", reason="Spam link")
        entry = AuditEntry.objects.get(action=AuditEntry.Action.REVIEW_HIDE)
        services.decision_undo(entry=entry, moderator=moderator)
    undo = AuditEntry.objects.get(action=AuditEntry.Action.REVIEW_RESTORE)
    assert undo.reason == "Undid the hide (a moderator's mistake)."
    told = Notification.objects.filter(recipient=review.author).order_by("-pk").first()
    assert "已撤销隐藏（审核员操作失误）。" in told.body and told.data["reason"] == "已撤销隐藏（审核员操作失误）。"
