"""The search page in Simplified Chinese (issue 26); English stays the default (tests/search)."""

import pytest
from django.utils import translation

from reviews.services import review_create
from search.forms import SearchForm
from tests.factories import ProductFactory, UserFactory
from tests.i18n.zh import ZH, text_zh

pytestmark = pytest.mark.django_db


def test_empty_search_page_in_chinese(client):
    page = text_zh(client, "search")
    assert "想了解点什么？" in page and 'placeholder="商品、品牌、笔记或 #话题"' in page
    assert '<a href="?q=%E9%9D%A2%E9%9C%9C">面霜</a>' in page  # the example links survive translation


def test_results_count_sorts_and_filters_in_chinese(client):
    product = ProductFactory(name="Velvet Serum")
    review_create(author=UserFactory(), product=product, rating=5, title="Serum love", body="The serum sinks in.")
    page = text_zh(client, "search", data={"q": "serum"})
    assert "1 篇笔记与“serum”相关" in page
    assert ">相关度</a>" in page and ">最有用</a>" in page and ">最新</a>" in page
    assert "不限评分" in page and "5★ 及以上" in page and "全部分类" in page and "只看邀请测评" in page
    assert "有图" in page and ">筛选</button>" in page
    none = text_zh(client, "search", data={"q": "serum", "min_rating": "5", "photos": "on"})
    assert "0 篇笔记与“serum”相关" in none and "清除筛选" in none


def test_refused_search_in_chinese(client):
    page = text_zh(client, "search", data={"q": "x" * 2000}, status=400)
    assert "无法进行这次搜索" in page and "搜索: " in page  # the field named, in Chinese


def test_choices_follow_the_language_at_render_time():
    """The form's choices are lazy: declared at import, read in the reader's language."""
    with translation.override(ZH):
        assert dict(SearchForm().fields["min_rating"].choices)["4"] == "4★ 及以上"
    with translation.override("en"):
        assert dict(SearchForm().fields["min_rating"].choices)["4"] == "4★ and up"
