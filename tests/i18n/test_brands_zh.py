"""The brand dashboard, campaign pages, tester invitations and the tester e-mails in Simplified
Chinese (issue 26); English stays the default (tests/brands assert the English wording)."""

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from tests.brands.conftest import invite, new_campaign, walk_to_received
from tests.factories import (
    BrandFactory,
    BrandMembershipFactory,
    CategoryFactory,
    ProductFactory,
    UserFactory,
    make_tester,
)
from tests.i18n.zh import ZH, get_zh, text_zh
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def skincare():
    return CategoryFactory(name="护肤", slug="skincare")


@pytest.fixture
def member():
    brand = BrandFactory(name="Dewy Lab", slug="dewy-lab", is_verified=True)
    return BrandMembershipFactory(brand=brand, user=UserFactory(username="dewy_pm"), is_owner=True).user


@pytest.fixture
def product(member, skincare):
    return ProductFactory(brand=member.brand_membership.brand, category=skincare, name="Barrier Cream")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_brand_dashboard_in_chinese(member, product):
    new_campaign(member, product)
    page = text_zh(logged_in(member), "brand-home")
    assert "品牌后台" in page and "已认证品牌" in page and "新建测评活动" in page
    assert "你的商品及分类排名" in page and ">负责人</td>" in page and "添加商品" in page
    assert "Winter barrier test" in page and ">份数</th>" in page


def test_campaign_page_and_its_form_in_chinese(member, product, skincare):
    make_tester(category=skincare, reputation=90.0, username="mei")
    campaign = new_campaign(member, product)
    page = text_zh(logged_in(member), "brand-campaign", campaign.pk)
    assert "转化漏斗" in page and "推荐的测评官" in page and "邀请所选" in page and "剩余 3 份" in page
    assert "笔记数和有用票走势" in page and "收货后 14 天内交笔记" in page
    form = text_zh(logged_in(member), "brand-campaign-create")
    assert "赠送份数" in form and "测评者最低等级" in form and "创建活动" in form and "时间）" in form


def test_inviting_says_so_in_chinese(member, product, skincare):
    tester = make_tester(category=skincare, reputation=90.0, username="mei")
    campaign = new_campaign(member, product)
    done = get_zh(logged_in(member), "brand-campaign-invite", campaign.pk, method="post", data={"testers": ["mei"]})
    assert "已邀请 1 位测评官。" in done.content.decode()
    assert campaign.invitations.filter(tester=tester).exists()


def test_tester_invitations_in_chinese(member, product, skincare):
    tester = make_tester(category=skincare, reputation=90.0, username="mei")
    invite(member, new_campaign(member, product), tester)
    page = text_zh(logged_in(tester), "tester-invitations")
    assert "我的测评邀请" in page and "收货地址" in page and ">接受</button>" in page and ">婉拒</button>" in page


def test_received_invitation_shows_the_due_date_in_chinese(member, product, skincare):
    tester = make_tester(category=skincare, reputation=90.0, username="mei")
    walk_to_received(member, new_campaign(member, product), tester)
    page = text_zh(logged_in(tester), "tester-invitations")
    assert (
        re.search(r"笔记截止 <strong>\d{4}年\d{1,2}月\d{1,2}日</strong>（还剩 1[34] 天）。", page) and "写笔记" in page
    )


def test_invitation_email_renders_in_chinese(member, product, skincare):
    tester = make_tester(category=skincare, reputation=90.0, username="mei")
    mail.outbox.clear()
    invitation = invite(member, new_campaign(member, product), tester)
    context = {"tester": tester, "campaign": invitation.campaign, "invitation": invitation, "url": "https://x/"}
    with translation.override(ZH):
        body = render_to_string("brands/email/invitation.txt", context)
    assert body.startswith(f"{tester.public_name}，你好：") and "流程：" in body and "14 天内提交笔记" in body
    english = render_to_string("brands/email/invitation.txt", context)
    assert english.startswith(f"Hello {tester.public_name},") and "14 days after you mark" in english


def test_verification_page_in_chinese():
    BrandFactory(name="Kumo", slug="kumo", is_verified=False)
    moderator = make_moderator()
    page = text_zh(logged_in(moderator), "brands-verification")
    assert "品牌认证" in page and "认证 Kumo" in page and "未认证" in page


def test_disclosure_follows_the_readers_language(member, product, skincare):
    from brands.models import disclosure_wording

    with translation.override(ZH):
        words = disclosure_wording("Dewy Lab")
    assert words["text"] == "通过邀请测评活动免费获得 Dewy Lab 赠品。" and "品牌方不能修改" in words["detail"]
    assert disclosure_wording("Dewy Lab")["text"] == "Received free from Dewy Lab through an invited-tester campaign."


def test_a_testers_invitation_notice_and_email_are_in_the_testers_language(member, product, skincare):
    from accounts.models import Notification

    tester = make_tester(category=skincare, reputation=90.0, username="mei")
    type(tester).objects.filter(pk=tester.pk).update(language=ZH, email="mei@example.com")
    tester.refresh_from_db()
    mail.outbox.clear()
    with translation.override("en"):  # the brand member works in English
        invitation = invite(member, new_campaign(member, product), tester)
    notice = Notification.objects.get(recipient=tester, kind=Notification.Kind.INVITATION)
    assert notice.title == "Dewy Lab 邀请你试用 Barrier Cream" and "收货后 14 天内" in notice.body
    from brands.emails import send_invitation_mail

    assert send_invitation_mail(invitation, "invitation")
    sent = mail.outbox[-1]
    assert sent.subject == "Dewy Lab 邀请你在 Candor 试用 Barrier Cream" and sent.body.startswith(
        f"{tester.public_name}，你好："
    )
    assert "流程：" in sent.body and "通过邀请测评活动免费获得 Dewy Lab 赠品。" in sent.body


# --- why nobody is eligible, and refusals that list names or reasons --------------------------------


def api_zh(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE=ZH)
    return client


def no_chinese_gap(text: str) -> bool:
    """No run of three English words: the sentence did not fall back to English."""
    return not re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", text)


def test_why_nobody_is_eligible_in_chinese(member, product, skincare):
    from ranking.models import CategoryStanding

    make_tester(category=skincare, reputation=90.0, username="low", level=2)
    plain = UserFactory(username="plain")
    CategoryStanding.objects.create(user=plain, category=skincare, reputation=5.0, review_count=1)
    campaign = new_campaign(member, product, min_level=4)
    page = text_zh(logged_in(member), "brand-campaign", campaign.pk)
    shown = re.search(r"<section class=\"card-box\" data-exclusions>.*?<p class=\"small\">(.*?)</p>", page, re.S)
    # Equal counts keep the rules' order (campaign_exclusions: the tester bar before the level).
    assert shown.group(1) == "共排除 2 位测评者：未达到邀请测评官门槛 1 人、等级低于 Lv4 1 人。"


def test_nobody_reviewed_yet_in_chinese(member, product):
    from brands import selectors

    campaign = new_campaign(member, product)
    with translation.override(ZH):
        assert str(selectors.campaign_exclusions(campaign)) == "所需分类下还没有人写过笔记。"
    assert str(selectors.campaign_exclusions(campaign)) == "Nobody has reviewed in the wanted categories yet."


def test_each_reason_a_tester_is_refused_reads_in_chinese(member, product, skincare):
    """Every reason _reasons can give, on one reviewer who fails them all, in Chinese."""
    from brands import selectors
    from brands.models import Invitation
    from ranking.models import ReviewerStanding
    from reviews.models import BrandMembership
    from tests.factories import ReviewFactory

    mei = make_tester(category=skincare, reputation=90.0, username="mei", level=1)
    other_brand = BrandFactory(name="Kumo", slug="kumo", is_verified=True)
    ReviewerStanding.objects.filter(user=mei).update(is_tester=False)
    ReviewFactory(author=mei, product=product)
    campaign = new_campaign(member, product, min_level=3)
    Invitation.objects.create(campaign=campaign, tester=mei, invited_at=campaign.created_at)
    BrandMembership.objects.create(brand=other_brand, user=mei)
    type(mei).objects.filter(pk=mei.pk).update(is_active=False)
    with translation.override(ZH):
        reasons = selectors.assess(campaign, user_ids=[mei.pk])[0].reasons
    assert reasons[:4] == ["账号未激活或已被封禁", "不是邀请测评官", "等级低于 Lv3", "是品牌方成员"]
    assert "已被邀请参加本次测评活动" in reasons and "已写过这款商品的笔记" in reasons
    assert all(no_chinese_gap(reason) for reason in reasons), reasons


def test_refused_invitation_lists_names_and_reasons_in_chinese(member, product, skincare):
    make_tester(category=skincare, reputation=90.0, username="mei", level=1)
    campaign = new_campaign(member, product, min_level=3)
    page = get_zh(logged_in(member), "brand-campaign-invite", campaign.pk, method="post", data={"testers": ["mei"]})
    assert page.status_code == 400
    assert "不符合条件：mei：等级低于 Lv3。" in page.content.decode()


def test_api_refusals_name_the_field_in_chinese(member, product, skincare):
    campaign = new_campaign(member, product, min_level=3)
    client = api_zh(member)
    unknown = client.post(
        f"/api/v1/brand/campaigns/{campaign.pk}/invitations/", {"testers": ["nobody", "ghost"]}, format="json"
    )
    assert unknown.status_code == 400
    assert unknown.json() == {"testers": ["没有用户名为 nobody、ghost 的用户。"]}
    make_tester(category=skincare, reputation=90.0, username="mei", level=1)
    auto = client.post(f"/api/v1/brand/campaigns/{campaign.pk}/auto-invite/", {"count": 1}, format="json")
    assert auto.status_code == 400
    assert auto.json()["count"] == ["目前没有符合本次测评活动条件的测评官。共排除 1 位测评者：等级低于 Lv3 1 人。"]
    missing = client.get("/api/v1/brand/campaigns/999999/", HTTP_ACCEPT_LANGUAGE=ZH)
    assert missing.status_code == 404 and no_chinese_gap(missing.json()["detail"])


def test_web_refusals_keep_the_field_name_and_read_in_chinese(member, product):
    campaign = new_campaign(member, product)
    client = logged_in(member)
    unknown = get_zh(client, "brand-campaign-invite", campaign.pk, method="post", data={"testers": ["nobody"]})
    assert unknown.status_code == 400 and "testers：请从列表中选择测评官。" in unknown.content.decode()
    count = get_zh(client, "brand-campaign-auto", campaign.pk, method="post", data={"count": "many"})
    assert count.status_code == 400 and "count：请填写测评官人数（整数）。" in count.content.decode()
