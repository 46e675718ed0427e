"""The reviews pages, forms, messages, API errors and notifications in Simplified Chinese (issue
26); English stays the default (tests/reviews assert the English wording)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Notification
from reviews import services
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory
from tests.i18n.zh import ZH, get_zh, text_zh

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    author = UserFactory(username="mei")
    product = ProductFactory(category=CategoryFactory(name="护肤", slug="skincare"))
    return ReviewFactory(author=author, product=product, title="Calmed my redness", rating=4)


@pytest.fixture
def reader() -> Client:
    client = Client()
    client.force_login(UserFactory(username="reader"))
    return client


def test_discover_in_chinese(client, review):
    page = text_zh(client, "discover")
    assert '<html lang="zh-Hans"' in page
    assert "发现笔记" in page and ">发现</a>" in page and ">关注</a>" in page and ">全部</a>" in page
    assert "Calmed my redness" in page and "人觉得有用" in page and "4 星（满分 5 星）" in page
    assert "Discover reviews" not in page and "found this helpful" not in page


def test_empty_following_tab_in_chinese(client, db):
    with_tab = get_zh(client, "discover", data={"tab": "following"}).content.decode()
    assert "看看你信任的人写的笔记" in with_tab and ">登录</a>" in with_tab and ">注册账号</a>" in with_tab


def test_review_page_in_chinese(reader, review):
    page = text_zh(reader, "review-detail", review.pk)
    assert ">有用<" in page and ">没用<" in page and ">收藏<" in page and ">分享<" in page
    assert "还没有评论。问问作者，或者补充你的发现。" in page and "写评论" in page and ">发布</button>" in page
    assert "测评者等级 1" in page and "篇笔记" in page and "年" in page and "月" in page
    assert "Helpful" not in page and "No comments yet" not in page


def test_own_review_page_and_vote_tally_in_chinese(review):
    client = Client()
    client.force_login(review.author)
    page = text_zh(client, "review-detail", review.pk)
    assert "编辑你的笔记" in page and "删除…" in page and "人觉得没用" in page and "不能给自己的笔记投票。" in page


def test_write_page_and_its_errors_in_chinese(reader, review):
    page = text_zh(reader, "review-create")
    assert "<title>写笔记" in page and "选择商品" in page and "添加新商品" in page and "你的评分" in page
    assert "一句话总结" in page and "（选填）" in page and "发布笔记" in page and "5 星" in page
    posted = get_zh(reader, "review-create", method="post", data={"product_mode": "existing", "product": ""})
    text = posted.content.decode()
    assert posted.status_code == 400
    assert "请修改下面标出的内容。你输入的内容都还在。" in text
    assert "请选择你要测评的商品，或添加新商品。" in text and "请选择 1 到 5 星的评分。" in text


def test_product_page_in_chinese(client, review):
    page = text_zh(client, "product-detail", slug=review.product.slug)
    assert "1 篇笔记" in page and "评分分布" in page and ">写笔记" in page and "笔记排序" in page
    assert ">最有用</a>" in page and ">最新</a>" in page and ">评分最高</a>" in page
    assert "Rating distribution" not in page and "Most helpful" not in page


def test_edit_page_and_messages_in_chinese(review):
    client = Client()
    client.force_login(review.author)
    page = text_zh(client, "review-edit", review.pk)
    assert "编辑你的笔记" in page and "保存修改" in page and "添加图片" in page and "删除这篇笔记…" in page
    data = {"rating": "5", "title": "Still calm", "body": review.body, "tags": ""}
    done = get_zh(client, "review-edit", review.pk, method="post", data=data).content.decode()
    assert "你的笔记已更新。" in done


def test_vote_on_own_review_is_refused_in_chinese_by_the_api(review):
    api = APIClient()
    api.force_authenticate(review.author)
    response = api.put(
        f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json", HTTP_ACCEPT_LANGUAGE="zh"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "不能给自己的笔记投票。"
    assert response["Content-Language"] == "zh-Hans"
    english = api.put(f"/api/v1/reviews/{review.pk}/vote/", {"helpful": True}, format="json")
    assert english.json()["detail"] == "You cannot vote on your own review."


def test_bad_ordering_is_refused_in_chinese_by_the_api(db):
    response = APIClient().get("/api/v1/reviews/?ordering=title", HTTP_ACCEPT_LANGUAGE="zh")
    assert response.status_code == 400
    assert "排序" in response.json()["ordering"][0]


def test_notifications_are_written_in_the_recipients_language(review):
    review.author.language = ZH
    review.author.save(update_fields=["language"])
    commenter = UserFactory(username="kenji")
    services.comment_create(author=commenter, review=review, body="Does it sting?")
    note = Notification.objects.get(recipient=review.author, kind=Notification.Kind.COMMENT)
    assert note.title == f"{commenter.public_name} 评论了你的笔记"
    # Someone who chose no language gets the language of the request that caused it: English here.
    services.comment_create(author=review.author, review=ReviewFactory(author=commenter), body="Yes")
    assert (
        Notification.objects.get(recipient=commenter).title == f"{review.author.public_name} commented on your review"
    )


def test_profile_page_in_chinese(review):
    client = Client()
    client.force_login(review.author)
    page = text_zh(client, "profile", "mei")
    assert "</strong> 粉丝" in page and "</strong> 关注" in page and "</strong> 有用票" in page
    assert "</strong> 篇笔记" in page and "编辑资料" in page and "退出登录" in page
    assert ">笔记</a>" in page and "收藏</a>" in page and ">粉丝</a>" in page
    saved = get_zh(client, "profile", "mei", data={"tab": "saved"}).content.decode()
    assert "还没有收藏" in saved and "在笔记上点<strong>收藏</strong>" in saved
    assert "helpful votes" not in page and "Edit profile" not in page


def test_product_page_rating_bars_and_filter_in_chinese(client, review):
    page = get_zh(client, "product-detail", slug=review.product.slug, data={"rating": "4"}).content.decode()
    assert '<span class="sr-only"> 星：</span>' in page and '<span class="sr-only"> 篇笔记' in page
    assert "（只显示这些；选择可显示全部）" in page and "只显示 4 星笔记" in page and "4 星笔记" in page
