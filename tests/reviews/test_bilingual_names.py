"""Catalogue names in two languages (issue 26, reviews/names.py): `name` as first given, `name_en`
and `name_zh` beside it; a reader sees the one in their language, else `name`."""

import pytest
from django.urls import reverse
from django.utils import translation

from reviews.models import Product
from reviews.names import language_family, pick
from reviews.services import product_create
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, ReviewFactory, UserFactory
from tests.i18n.zh import get_zh

pytestmark = pytest.mark.django_db


def test_pick_chooses_the_active_language_and_falls_back_to_the_name():
    assert pick("Barrier Cream", name_zh="修护屏障面霜", language="zh-hans") == "修护屏障面霜"
    assert pick("Barrier Cream", name_zh="修护屏障面霜", language="en") == "Barrier Cream"
    # A Chinese-first brand: English readers get its English name, Chinese readers its own.
    assert pick("花西子", name_en="Florasis", language="en") == "Florasis"
    assert pick("花西子", name_en="Florasis", language="zh-Hans") == "花西子"
    # No name in the reader's language: the name as first given.
    assert pick("Barrier Cream", language="zh-hans") == "Barrier Cream"
    assert pick("花西子", language="en") == "花西子"
    assert [language_family(code) for code in ("zh-hans", "zh-cn", "ZH", "en", "fr", None)] == [
        "zh",
        "zh",
        "zh",
        "en",
        "en",
        "en",
    ]


def test_display_name_follows_the_active_language():
    category = CategoryFactory(name="Skincare", name_zh="护肤")
    brand = BrandFactory(name="花西子", name_en="Florasis")
    product = ProductFactory(name="Barrier Cream", name_zh="修护屏障面霜", brand=brand, category=category)
    with translation.override("zh-hans"):
        assert (category.display_name, brand.display_name, product.display_name) == ("护肤", "花西子", "修护屏障面霜")
    with translation.override("en"):
        assert (category.display_name, brand.display_name, product.display_name) == (
            "Skincare",
            "Florasis",
            "Barrier Cream",
        )
    assert product.all_names == ["Barrier Cream", "修护屏障面霜"]
    assert brand.all_names == ["花西子", "Florasis"]


def test_new_columns_default_to_blank():
    product = ProductFactory()
    product.refresh_from_db()
    assert product.name_en == product.name_zh == ""
    assert product.display_name == product.name


def test_api_lists_both_names_and_the_one_for_the_request_language(api_client):
    category = CategoryFactory(name="Skincare", name_zh="护肤")
    brand = BrandFactory(name="Lumière Lab", name_zh="光萃实验室")
    product = ProductFactory(name="Barrier Cream", name_zh="修护屏障面霜", brand=brand, category=category)

    english = api_client.get(f"/api/v1/products/{product.slug}/").json()
    assert (english["name"], english["name_en"], english["name_zh"], english["display_name"]) == (
        "Barrier Cream",
        "",
        "修护屏障面霜",
        "Barrier Cream",
    )
    chinese = api_client.get(f"/api/v1/products/{product.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["display_name"] == "修护屏障面霜"
    assert chinese["brand"]["display_name"] == "光萃实验室" and chinese["category"]["display_name"] == "护肤"
    categories = api_client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    rows = categories["results"] if isinstance(categories, dict) else categories
    assert {"name": "Skincare", "name_zh": "护肤", "display_name": "护肤"}.items() <= rows[0].items()

    ReviewFactory(product=product)
    review = api_client.get("/api/v1/reviews/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]
    assert review["product"]["display_name"] == "修护屏障面霜"
    assert review["product"]["brand_display_name"] == "光萃实验室"


def test_a_product_is_created_with_its_chinese_name_and_lengths_are_checked(api_client):
    api_client.force_authenticate(UserFactory())
    brand, category = BrandFactory(), CategoryFactory()
    created = api_client.post(
        "/api/v1/products/",
        {"brand": brand.slug, "category": category.slug, "name": "Rice Toner", "name_zh": " 米乳爽肤水 "},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert Product.objects.get(name="Rice Toner").name_zh == "米乳爽肤水"

    too_long = api_client.post(
        "/api/v1/products/",
        {"brand": brand.slug, "category": category.slug, "name": "Other", "name_zh": "长" * 161},
        format="json",
    )
    assert too_long.status_code == 400 and "name_zh" in too_long.json()
    with pytest.raises(Exception) as error:
        product_create(brand=brand, category=category, name="Other", name_en="x" * 161)
    assert "name_en" in error.value.message_dict


def test_pages_show_the_name_in_the_readers_language(client):
    category = CategoryFactory(name="Skincare", name_zh="护肤")
    brand = BrandFactory(name="Lumière Lab", name_zh="光萃实验室")
    product = ProductFactory(name="Barrier Cream", name_zh="修护屏障面霜", brand=brand, category=category)
    review = ReviewFactory(product=product, title="Worth it")

    english = client.get(reverse("product-detail", args=[product.slug])).content.decode()
    assert "Barrier Cream" in english and "修护屏障面霜" not in english
    chinese = get_zh(client, "product-detail", product.slug).content.decode()
    assert '<h1 id="product-name" class="product-name">修护屏障面霜</h1>' in chinese
    assert "光萃实验室" in chinese and ">护肤<" in chinese

    page = get_zh(client, "review-detail", review.pk).content.decode()
    assert '<span class="product-chip-name">修护屏障面霜</span>' in page
    discover = get_zh(client, "discover").content.decode()
    assert "光萃实验室 · 修护屏障面霜" in discover
    assert f'category={category.slug}">护肤</a>' in discover  # the category chips
    assert "Lumière Lab · Barrier Cream" in client.get(reverse("discover")).content.decode()


def test_renaming_a_product_in_chinese_starts_a_new_card_generation(monkeypatch):
    from reviews import cards

    product = ProductFactory()
    calls = []
    monkeypatch.setattr(cards, "invalidate_now_and_on_commit", lambda: calls.append(1))
    product.name_zh = "新名字"
    product.save()
    assert calls == [1]
