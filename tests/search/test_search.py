"""Search through the API (GET /api/v1/search/, /api/v1/search/suggest/), hand-built cases."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ranking.engine.plumbing import RunResult
from ranking.models import ReviewScore
from ranking.services import rerank_committed
from reviews.models import Review
from reviews.services import review_create, review_delete, review_status_set, review_update
from search.models import SearchDocument, Synonym
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, UserFactory, image_upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


def found(api_client, q, **params) -> list[int]:
    response = api_client.get(URL, {"q": q, **params})
    assert response.status_code == 200, response.content
    return [review["id"] for review in response.json()["results"]]


def note(product=None, *, title="A note", body="Nothing special here.", author=None, **kwargs) -> Review:
    return review_create(
        author=author or UserFactory(),
        product=product or ProductFactory(),
        rating=kwargs.pop("rating", 4),
        title=title,
        body=body,
        **kwargs,
    )


def scored(review: Review, quality: float) -> Review:
    started = timezone.now()
    ReviewScore.objects.update_or_create(
        review=review,
        defaults={
            "product": review.product,
            "category": review.product.category,
            "author": review.author,
            "created_at": review.created_at,
            "rating": review.rating,
            "quality": quality,
        },
    )
    # As a rerank that wrote these scores does once it commits.
    rerank_committed.send(sender=None, result=RunResult(kind="incremental", started_at=started))
    return review


def test_a_chinese_word_finds_face_creams_named_in_english_through_a_synonym(api_client):
    Synonym.objects.create(terms="面霜, face cream, moisturiser")
    cream = ProductFactory(name="Daily Face Cream")
    english = note(cream, title="Rich but not greasy", body="This face cream saved my dry cheeks in winter.")
    moisturiser = note(title="Light and fast", body="The best moisturiser I have used.")
    note(title="Cleanser", body="A gentle foaming cleanser.")
    assert set(found(api_client, "面霜")) == {english.pk, moisturiser.pk}
    products = api_client.get(URL, {"q": "面霜"}).json()["products"]
    assert [p["id"] for p in products] == [cream.pk]
    # And the other way round: the English words find a note written in Chinese.
    chinese = note(title="冬天必备", body="这款面霜很滋润。")
    assert chinese.pk in found(api_client, "face creams")


def test_traditional_finds_simplified_and_the_other_way_round(api_client):
    simplified = note(title="口红试色", body="这支口红颜色很正。")
    traditional = note(title="保養心得", body="這款乳液很清爽。")
    assert found(api_client, "口紅") == [simplified.pk]
    assert found(api_client, "乳液") == [traditional.pk]


def test_a_brand_name_is_not_split(api_client):
    brand = BrandFactory(name="花西子")
    product = ProductFactory(brand=brand, name="散粉")
    powder = note(product, title="定妆", body="花西子的散粉很细腻。")
    # The same characters, not the name: 花 and 西子 apart.
    lake = note(title="游记", body="西子湖边的花很美。")
    assert found(api_client, "花西子") == [powder.pk]
    assert lake.pk in found(api_client, "西子")
    document = SearchDocument.objects.get(kind="review", object_id=powder.pk)
    assert "花西子" in document.terms_b.split()


def test_an_english_plural_finds_the_singular_and_back(api_client):
    serum = note(title="My serum", body="One serum to rule them all.")
    assert found(api_client, "serums") == [serum.pk]
    plural = note(title="Moisturizers compared", body="Three moisturizers, one winner.")
    assert plural.pk in found(api_client, "moisturizer")


def test_relevance_beats_recency_for_a_specific_query(api_client):
    old = note(title="Barrier Repair Cream review", body="The barrier repair cream calmed my redness.")
    Review.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    new = note(
        title="My evening routine",
        body="Toner, then serum, then sleep. Somewhere I read about barrier care, and I want a repair step and a cream.",
    )
    assert found(api_client, "barrier repair cream") == [old.pk, new.pk]
    assert found(api_client, "barrier repair cream", sort="newest") == [new.pk, old.pk]


def test_a_well_written_helpful_note_beats_a_short_one_that_repeats_the_word(api_client):
    short = scored(note(title="Sunscreen", body="sunscreen sunscreen sunscreen sunscreen"), 0.05)
    good = scored(
        note(
            title="Two months with a mineral formula",
            body="I wore this sunscreen daily through a humid summer. No white cast on medium skin, no pilling "
            "under makeup, and it did not sting my eyes. Reapplying over makeup is the weak point.",
        ),
        0.7,
    )
    assert found(api_client, "sunscreen") == [good.pk, short.pk]
    assert found(api_client, "sunscreen", sort="helpful") == [good.pk, short.pk]


@pytest.mark.parametrize("status", [Review.Status.HIDDEN, Review.Status.REMOVED])
def test_hidden_and_removed_reviews_never_appear(api_client, status):
    shown = note(title="Lip balm", body="A lip balm that lasts.")
    gone = note(title="Lip balm too", body="Another lip balm.")
    review_status_set(review=gone, status=status)
    response = api_client.get(URL, {"q": "lip balm"}).json()
    assert [r["id"] for r in response["results"]] == [shown.pk]
    assert response["count"] == 1
    review_status_set(review=gone, status=Review.Status.PUBLISHED)
    assert set(found(api_client, "lip balm")) == {shown.pk, gone.pk}


def test_reviews_of_a_deactivated_account_do_not_appear(api_client):
    review = note(title="Toner", body="A toner.")
    review.author.is_active = False
    review.author.save(update_fields=["is_active"])
    assert found(api_client, "toner") == []


def test_the_index_follows_an_edit_and_a_delete(api_client):
    review = note(title="Night cream", body="Smells of lavender.")
    assert found(api_client, "lavender") == [review.pk]
    review_update(review=review, editor=review.author, body="Smells of roses.", tags=["fragrance"])
    assert found(api_client, "lavender") == []
    assert found(api_client, "roses") == [review.pk]
    assert found(api_client, "fragrance") == [review.pk]
    review_delete(review=review, user=review.author)
    assert found(api_client, "roses") == []
    assert not SearchDocument.objects.filter(kind="review", object_id=review.pk).exists()


def test_a_product_rename_reaches_its_reviews(api_client):
    product = ProductFactory(name="Blue Bottle")
    review = note(product, title="Nice", body="Works well.")
    product.name = "Azure Flask"
    product.save()
    assert found(api_client, "azure flask") == [review.pk]
    assert found(api_client, "blue bottle") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "x" * 2000}, "q"),
        ({}, "q"),
        ({"q": "cream", "sort": "best"}, "sort"),
        ({"q": "cream", "sort": ""}, "sort"),
        ({"q": "cream", "category": "no-such-category"}, "category"),
        ({"q": "cream", "min_rating": "6"}, "min_rating"),
        ({"q": "cream", "page": "0"}, "page"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_client, params, field):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "q",
    [
        "!!!。。。???",
        "'; DROP TABLE reviews_review; --",
        '" OR 1=1 --',
        "a AND b OR NOT c*",
        "NEAR(cream serum) {terms_a}: x",
        "'cream':* & !serum | (",
        "%_%\\",
        "#",
        "# ",
        "#!!!",
    ],
)
def test_odd_input_is_an_answer_never_a_500(api_client, q):
    note(title="Cream and serum", body="A cream, a serum.")
    for url in (URL, f"{URL}suggest/"):
        response = api_client.get(url, {"q": q})
        assert response.status_code in (200, 400), (url, q, response.status_code)
    response = api_client.get(URL, {"q": q})
    if response.status_code == 200:
        assert isinstance(response.json()["results"], list)


def test_filters_count_and_highlights(api_client):
    skincare, food = CategoryFactory(slug="skin"), CategoryFactory(slug="food")
    photo = note(
        ProductFactory(category=skincare),
        title="<b>Oil</b> cleanser",
        body="The oil melts sunscreen.",
        rating=5,
        photos=[image_upload()],
    )
    plain = note(ProductFactory(category=skincare), title="Cleansing oil", body="An oil that rinses clean.", rating=2)
    snack = note(ProductFactory(category=food), title="Chili oil", body="Chili oil on everything.", rating=4)
    every = api_client.get(URL, {"q": "oil"}).json()
    assert every["count"] == 3
    assert set(found(api_client, "oil", category="skin")) == {photo.pk, plain.pk}
    assert set(found(api_client, "oil", min_rating=4)) == {photo.pk, snack.pk}
    assert found(api_client, "oil", has_photos="true") == [photo.pk]
    first = next(r for r in every["results"] if r["id"] == photo.pk)
    # Escaped first, then marked.
    assert first["highlighted_title"] == "&lt;b&gt;<mark>Oil</mark>&lt;/b&gt; cleanser"
    assert "<mark>oil</mark>" in first["highlighted_snippet"]


def test_a_tag_query_lists_the_reviews_carrying_the_tag(api_client):
    tagged = note(title="Calm", body="Soothing.", tags=["sensitive-skin"])
    note(title="Sensitive skin tips", body="Patch test first.")
    assert found(api_client, "#sensitive-skin") == [tagged.pk]
    assert tagged.pk in found(api_client, "sensitive skin")
    assert api_client.get(URL, {"q": "sensitive"}).json()["tags"] == [{"name": "sensitive-skin"}]


def test_people_are_found_by_name(api_client):
    person = UserFactory(username="mei_lin", display_name="梅 Lin")
    UserFactory(username="someone_else", display_name="Other")
    people = api_client.get(URL, {"q": "mei_lin"}).json()["people"]
    assert people == [{"username": person.username, "display_name": person.display_name}]


def test_suggestions_for_products_brands_and_tags(api_client):
    brand = BrandFactory(name="CeraVe")
    ProductFactory(brand=brand, name="Moisturizing Cream")
    BrandFactory(name="花西子")
    note(title="x", body="y", tags=["ceramides"])

    def suggest(q):
        response = api_client.get(f"{URL}suggest/", {"q": q})
        assert response.status_code == 200
        return [(s["kind"], s["text"]) for s in response.json()["results"]]

    assert suggest("cera") == [("product", "Moisturizing Cream"), ("brand", "CeraVe"), ("tag", "#ceramides")]
    assert suggest("cerave moist") == [("product", "Moisturizing Cream")]
    assert suggest("moist") == [("product", "Moisturizing Cream")]
    assert suggest("花西") == [("brand", "花西子")]
    assert suggest("#cer") == [("product", "Moisturizing Cream"), ("brand", "CeraVe"), ("tag", "#ceramides")]
    assert suggest("zzz") == []
    assert api_client.get(f"{URL}suggest/", {"q": ""}).status_code == 400


def test_the_search_is_in_the_api_schema(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    search = schema["paths"]["/api/v1/search/"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {
        "q",
        "category",
        "min_rating",
        "has_photos",
        "invited_tester",
        "sort",
        "page",
    }
    assert "/api/v1/search/suggest/" in schema["paths"]


def test_a_query_matching_more_than_are_ranked_orders_the_newest_and_says_so(api_client, monkeypatch):
    from search import selectors

    monkeypatch.setattr(selectors, "MAX_RANKED", 2)
    older, newer, newest = (note(title=f"Sheet mask {n}", body="A sheet mask.") for n in range(3))
    response = api_client.get(URL, {"q": "sheet mask"}).json()
    assert (response["count"], response["count_capped"]) == (2, True)
    assert {r["id"] for r in response["results"]} == {newer.pk, newest.pk}
    monkeypatch.setattr(selectors, "MAX_RANKED", 4)
    response = api_client.get(URL, {"q": "sheet mask"}).json()
    assert (response["count"], response["count_capped"]) == (3, False)
    assert {r["id"] for r in response["results"]} == {older.pk, newer.pk, newest.pk}


def test_a_brand_rename_reaches_its_products_and_their_reviews(api_client):
    brand = BrandFactory(name="Oldname")
    product = ProductFactory(brand=brand, name="Night Oil")
    review = note(product, title="Nice", body="Works well.")
    brand.name = "Lumina"
    brand.save()
    assert found(api_client, "lumina") == [review.pk]
    assert [p["id"] for p in api_client.get(URL, {"q": "lumina"}).json()["products"]] == [product.pk]
    assert found(api_client, "oldname") == []


def test_deactivated_people_are_not_found(api_client):
    person = UserFactory(username="hidden_person")
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert api_client.get(URL, {"q": "hidden_person"}).json()["people"] == []
