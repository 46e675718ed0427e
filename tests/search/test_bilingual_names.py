"""Search across languages through the catalogue's second names (issue 26, reviews/names.py): a
Chinese query finds a product named in English by its Chinese name, and the other way round."""

import pytest

from reviews.services import review_create
from search import text
from tests.factories import BrandFactory, ProductFactory, UserFactory
from tests.i18n.zh import get_zh

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def search(api_client, q: str) -> dict:
    response = api_client.get(URL, {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def note(product, title: str, body: str):
    return review_create(author=UserFactory(), product=product, rating=5, title=title, body=body)


def test_a_chinese_query_finds_a_product_named_in_english_by_its_chinese_name(api_client):
    cream = ProductFactory(name="Ceramide Barrier Cream", name_zh="修护屏障面霜")
    review = note(cream, "Saved my winter skin", "Thick, calm, no fragrance.")
    ProductFactory(name="Gel Cleanser")

    found = search(api_client, "修护屏障面霜")
    assert [p["id"] for p in found["products"]] == [cream.pk]
    assert [r["id"] for r in found["results"]] == [review.pk]
    # The name is one word in jieba's dictionary, and a word inside it finds it too.
    assert text.known_word("修护屏障面霜")
    assert [p["id"] for p in search(api_client, "面霜")["products"]] == [cream.pk]


def test_an_english_query_finds_a_brand_and_product_named_in_chinese(api_client):
    brand = BrandFactory(name="花西子", name_en="Florasis")
    powder = ProductFactory(brand=brand, name="空气蜜粉", name_en="Air Setting Powder")
    review = note(powder, "控油一整天", "定妆很好，不卡粉✨")

    found = search(api_client, "florasis powder")
    assert [p["id"] for p in found["products"]] == [powder.pk]
    assert [r["id"] for r in found["results"]] == [review.pk]
    assert [r["id"] for r in search(api_client, "setting powders")["results"]] == [review.pk]


def test_a_second_name_given_later_reaches_the_product_and_its_reviews(api_client):
    product = ProductFactory(name="Rice Milk Toner")
    review = note(product, "Gentle", "Soft skin after a week.")
    assert search(api_client, "米乳爽肤水")["results"] == []

    product.name_zh = "米乳爽肤水"
    product.save()
    assert [r["id"] for r in search(api_client, "米乳爽肤水")["results"]] == [review.pk]

    product.brand.name_zh = "光萃实验室"
    product.brand.save()
    found = search(api_client, "光萃实验室")
    assert [p["id"] for p in found["products"]] == [product.pk]
    assert [r["id"] for r in found["results"]] == [review.pk]


def test_suggestions_find_a_product_by_the_start_of_either_name(api_client):
    ProductFactory(name="Ceramide Barrier Cream", name_zh="修护屏障面霜")

    def suggest(q):
        return [s["kind"] for s in api_client.get(f"{URL}suggest/", {"q": q}).json()["results"]]

    assert suggest("修护屏") == ["product"]
    assert suggest("ceramide bar") == ["product"]


def test_suggestions_and_the_search_page_name_products_in_the_readers_language(api_client, client):
    brand = BrandFactory(name="Lumière Lab", name_zh="光萃实验室")
    product = ProductFactory(brand=brand, name="Ceramide Barrier Cream", name_zh="修护屏障面霜")
    note(product, "Calm skin", "No redness after a week.")

    def suggest(q, language):
        response = api_client.get(f"{URL}suggest/", {"q": q}, HTTP_ACCEPT_LANGUAGE=language)
        return [(s["kind"], s["text"]) for s in response.json()["results"]]

    assert suggest("修护", "zh-hans") == [("product", "修护屏障面霜")]
    assert suggest("ceramide", "en") == [("product", "Ceramide Barrier Cream")]
    page = get_zh(client, "search", data={"q": "面霜"}).content.decode()
    assert '<span class="product-card-name">修护屏障面霜</span>' in page
    assert "光萃实验室 · 修护屏障面霜" in page
