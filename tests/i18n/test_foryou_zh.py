"""For You's reasons, show-less buttons, messages and API errors in Simplified Chinese (issue 26);
English stays the default (tests/foryou assert the English wording)."""

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from foryou import selectors
from foryou.selectors import Item
from tests.factories import CategoryFactory, ProductFactory, ReviewFactory, UserFactory
from tests.i18n.zh import ZH

pytestmark = pytest.mark.django_db


def item(review, reason: str, ref: int) -> Item:
    return Item(review.pk, review.author_id, review.product_id, review.product.category_id, 1.0, reason, ref)


def test_reasons_in_the_readers_language():
    seed = ReviewFactory(title="Barrier Cream")
    shown = ReviewFactory(product=ProductFactory(category=CategoryFactory(name="护肤")), author=UserFactory())
    reviews = {shown.pk: shown}
    with translation.override(ZH):
        saved = selectors.reasons([item(shown, selectors.SAVED, seed.pk)], reviews)[shown.pk].text
        popular = selectors.reasons([item(shown, selectors.POPULAR, 0)], reviews)[shown.pk].text
        category = selectors.reasons([item(shown, selectors.CATEGORY, shown.product.category_id)], reviews)
        new = selectors.reasons([item(shown, selectors.NEW, 4)], reviews)[shown.pk].text
    assert saved == "因为你收藏了 Barrier Cream"
    assert popular == "Candor 热门" and new == "Lv4 测评者的新笔记"
    assert category[shown.pk].text == "你感兴趣的护肤里的高分笔记"
    english = selectors.reasons([item(shown, selectors.SAVED, seed.pk)], reviews)[shown.pk].text
    assert english == "Because you saved Barrier Cream"


def test_show_less_answers_in_chinese():
    client = Client()
    client.force_login(UserFactory())
    review = ReviewFactory()
    done = client.post(
        "/zh-hans/for-you/show-less/",
        {"kind": "author", "target": review.author_id},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE=ZH,
    )
    assert done.status_code == 200 and "知道了：会少给你推荐这个作者的内容。" in done.content.decode()
    missing = client.post(
        "/zh-hans/for-you/show-less/", {"kind": "product", "target": 999_999}, HTTP_ACCEPT_LANGUAGE=ZH
    )
    assert missing.status_code == 400 and "没有这个商品。" in missing.content.decode()


def test_show_less_api_error_in_chinese():
    api = APIClient()
    api.force_authenticate(UserFactory())
    data = {"kind": "author", "target": "nobody"}
    response = api.post("/api/v1/for-you/show-less/", data, format="json", HTTP_ACCEPT_LANGUAGE="zh")
    assert response.status_code == 400 and response.json()["target"] == ["没有用户“nobody”。"]
    english = api.post("/api/v1/for-you/show-less/", data, format="json")
    assert english.json()["target"] == ["No author 'nobody'."]
