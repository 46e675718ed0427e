"""The ranking pages, badges and "why it is ranked here" in Simplified Chinese (issue 26); English
stays the default (tests/web assert the English wording)."""

import re

import pytest
from django.utils import translation

from ranking import selectors as ranking
from ranking.formula import REVIEW
from ranking.models import ProductScore, ReviewerStanding
from tests.factories import CategoryFactory, ProductFactory, UserFactory
from tests.i18n.zh import ZH, text_zh
from tests.ranking.conftest import add_votes, make_review, rerank


@pytest.fixture
def skincare(db):
    return CategoryFactory(name="护肤", slug="skincare")


def test_levels_page_in_chinese(client, db):
    page = text_zh(client, "levels")
    assert "<title>" in page and "测评者等级" in page
    assert "各等级所需声望" in page and "你的投票权重 ×" in page
    assert "邀请测评官" in page and "每晚排名更新后" in page
    assert "Lv1</span>" in page  # levels keep their Lv
    assert "Reviewer levels" not in page and "Invited testers" not in page


def test_rankings_say_why_in_chinese(client, skincare):
    many, few = ProductFactory(category=skincare), ProductFactory(category=skincare)
    ProductScore.objects.create(
        product=many, category=skincare, review_count=38, average_rating=4.2, weight_sum=20.0,
        weighted_rating_sum=84.0, bayesian_score=4.15, eligible=True, category_rank=1,
    )  # fmt: skip
    ProductScore.objects.create(
        product=few, category=skincare, review_count=3, average_rating=4.3, weight_sum=1.5,
        weighted_rating_sum=6.45, bayesian_score=4.0, eligible=True, category_rank=2,
    )  # fmt: skip
    page = text_zh(client, "category-ranking", skincare.slug)
    reasons = re.findall(r'<span class="muted small rank-why">(.*?)</span>', page)
    assert reasons == [
        "4.2★，共 38 篇笔记，排在 4.3★，共 3 篇笔记 之前：笔记更多，平均分更可靠。",
        "4.3★，共 3 篇笔记，排在 4.2★，共 38 篇笔记 之后：它的平均分基于较少的笔记，暂时还不够可靠。",
    ]
    assert "护肤榜单" in page and "38 篇笔记" in page and "全部榜单" in page
    overview = text_zh(client, "category-rankings")
    assert '<h1 class="page-title">榜单</h1>' in overview and reasons[0] in overview


def test_empty_rankings_in_chinese(client, skincare):
    page = text_zh(client, "category-rankings")
    assert "笔记还不够多，暂时无法排名。" in page and "去写一篇护肤笔记" in page
    assert "暂无排名" in text_zh(client, "category-ranking", skincare.slug)


def test_why_it_is_ranked_here_in_chinese(client, skincare):
    review = make_review(product=ProductFactory(category=skincare), photos=2)
    add_votes(review, helpful=2, unhelpful=1)
    rerank(full=True)
    review.refresh_from_db()
    page = text_zh(client, "review-detail", review.pk)
    assert "3 位投票的读者中有 2 位觉得有用" in page
    assert "内容详细，附 2 张图" in page and "在一两天内逐渐消退" in page
    assert "有用度（80% 置信下限）" in page and "质量分 = " in page
    with translation.override(ZH):
        explanation = ranking.score_explanation(review)
    assert explanation["summary"].endswith("。") and "；" in explanation["summary"]
    assert [c["label"] for c in explanation["components"]][:2] == ["有用度（80% 置信下限）", "内容"]
    # English stays the default.
    assert ranking.score_explanation(review)["summary"].startswith("Helpful to 2 of 3 readers who voted")


def test_not_ranked_yet_in_chinese(skincare):
    review = make_review(product=ProductFactory(category=skincare))
    with translation.override(ZH):
        reason = ranking.score_explanation(review)["reason"]
    assert reason.startswith("尚未评分：排名每") and reason.endswith("分钟更新一次。")


def test_badges_in_chinese(skincare):
    user = UserFactory()
    ReviewerStanding.objects.create(user=user, is_tester=True)
    with translation.override(ZH):
        labels = [badge.label for badge in ranking.standing_for(user).badges]
    assert labels == ["邀请测评官"]


def test_every_part_the_explanation_shows_has_a_reader_label_matching_the_declaration():
    """TERM_LABELS repeats the declaration's English labels to translate them: the two must agree,
    and a part added to the quality score must get its reader label."""
    shown = REVIEW.term("quality").parts
    parts = list(shown) + [p for name in shown for p in REVIEW.term(name).parts]
    assert set(parts) == set(ranking.TERM_LABELS)
    with translation.override("en"):
        for name in parts:
            assert str(ranking.TERM_LABELS[name]) == REVIEW.term(name).label
    with translation.override(ZH):
        for name in parts:
            assert str(ranking.TERM_LABELS[name]) != REVIEW.term(name).label


def test_level_up_notifications_are_written_in_each_readers_language(skincare, monkeypatch):
    """One set-based insert for everyone: a reader who chose Chinese reads Chinese, one who chose
    nothing reads the language of the run (English for the nightly job)."""
    from accounts.models import Notification
    from ranking import scoring as S

    chinese = make_review(product=ProductFactory(category=skincare))
    english = make_review(product=ProductFactory(category=skincare))
    type(chinese.author).objects.filter(pk=chinese.author_id).update(language=ZH)
    rerank(full=True)
    top = max(ReviewerStanding.objects.get(user=r.author).reputation for r in (chinese, english))
    monkeypatch.setattr(S, "LEVEL_THRESHOLDS", [0, top + 0.01, *(10**6 * n for n in range(1, 9))])
    add_votes(chinese, helpful=6)
    add_votes(english, helpful=6)
    rerank()
    notes = {n.recipient_id: n for n in Notification.objects.filter(kind=Notification.Kind.LEVEL_UP)}
    assert notes[chinese.author_id].title == "你升到了 Lv2" and "下一级" in notes[chinese.author_id].body
    assert notes[english.author_id].title == "You reached level 2"
    assert notes[english.author_id].body.startswith("Your reviews keep helping people.")


def test_tester_promotion_is_told_in_the_testers_language(skincare, monkeypatch):
    from accounts.models import Notification
    from ranking import policy

    for name, value in (("TESTER_TOP_K_OVERALL", 1), ("TESTER_TOP_K_PER_CATEGORY", 1), ("TESTER_MIN_LEVEL", 1)):
        monkeypatch.setattr(policy, name, value)
    monkeypatch.setattr(policy, "TESTER_MIN_RECENT_REVIEWS", 1)
    review = make_review(product=ProductFactory(category=skincare))
    type(review.author).objects.filter(pk=review.author_id).update(language=ZH)
    add_votes(review, helpful=8)
    rerank(full=True)
    notice = Notification.objects.get(recipient=review.author, kind=Notification.Kind.PROMOTION)
    assert notice.title == "你已成为邀请测评官" and "现在品牌可以邀请你试用新品了" in notice.body


# --- the 404s -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "kwargs", "query", "said"),
    [
        ("discover", {}, {"category": "no-such-category"}, "没有这个分类。"),
        ("review_detail", {"pk": 2**31 - 1}, {}, "没有这篇笔记。"),
        ("product_detail", {"slug": "no-such-product"}, {}, "没有这个商品。"),
        ("profile", {"username": "nobody_here"}, {}, "没有这个用户。"),
    ],
)
def test_not_found_says_so_in_chinese(db, view, kwargs, query, said):
    """The 404's own words (shown by Django's debug page and to anything that reads the exception)."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404
    from django.test import RequestFactory

    from ranking import views

    request = RequestFactory().get("/", query)
    request.user = AnonymousUser()
    with translation.override(ZH), pytest.raises(Http404) as refused:
        getattr(views, view)(request, **kwargs)
    assert str(refused.value) == said


def test_api_not_found_detail_in_chinese(client, db):
    answer = client.get("/api/v1/reviews/2147483647/ranking/", HTTP_ACCEPT_LANGUAGE=ZH)
    assert answer.status_code == 404 and answer.json() == {"detail": "未找到。"}
    assert client.get("/api/v1/reviews/2147483647/ranking/").json() == {"detail": "Not found."}
