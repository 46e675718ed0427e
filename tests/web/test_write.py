"""Write a review: pick or add a product, photos, and errors that keep what was typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import Product, Review
from tests.factories import BrandFactory, ReviewFactory, image_upload

pytestmark = pytest.mark.django_db

TITLE = "Calmed my redness in a week"
BODY = "I have combination skin that flares up every winter; this fixed it in seven nights."


def form_data(**overrides) -> dict:
    data = {
        "product_mode": "existing",
        "rating": "4",
        "title": TITLE,
        "body": BODY,
        "tags": "#sensitive-skin, winter",
    }
    data.update(overrides)
    return data


def test_review_with_two_photos_is_published(web, member, product):
    data = form_data(product=str(product.pk), photos=[image_upload("a.jpg"), image_upload("b.png", fmt="PNG")])
    response = web.post("/write/", data)
    review = Review.objects.get(author=member)
    assert response.status_code == 302
    assert response["Location"] == review.get_absolute_url()
    assert review.photos.count() == 2
    assert sorted(review.tags.values_list("name", flat=True)) == ["sensitive-skin", "winter"]
    assert (review.rating, review.title, review.body) == (4, TITLE, BODY)


def test_review_of_a_new_product_adds_the_product(web, member, skincare):
    brand = BrandFactory(name="Kumo", slug="kumo")
    data = form_data(
        product_mode="new", new_brand=str(brand.pk), new_category=str(skincare.pk), new_name="Airy Sunscreen"
    )
    response = web.post("/write/", data)
    assert response.status_code == 302
    product = Product.objects.get(name="Airy Sunscreen")
    assert (product.brand, product.category, product.created_by) == (brand, skincare, member)
    assert Review.objects.get(author=member).product == product


def test_too_large_photo_is_refused_and_the_text_is_kept(web, member, product, settings):
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (1024 * 1024 + 1), content_type="image/jpeg")
    response = web.post("/write/", form_data(product=str(product.pk), photos=[image_upload("ok.jpg"), big]))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-errors-for="photos"><p>Each photo must be at most 1 MB.' in page
    assert f'value="{TITLE}"' in page
    assert BODY in page
    assert 'value="#sensitive-skin, winter"' in page
    assert 'value="4" id="id_rating_3" required checked' in page
    assert f'name="product" value="{product.pk}"' in page
    assert not Review.objects.filter(author=member).exists()


def test_a_file_that_is_not_an_image_is_refused_naming_photos(web, member, product):
    fake = SimpleUploadedFile("notes.jpg", b"this is a text file, not a photo", content_type="image/jpeg")
    response = web.post("/write/", form_data(product=str(product.pk), photos=[fake]))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-errors-for="photos"><p>This file is not a valid JPEG, PNG or WebP image' in page
    assert BODY in page
    assert not Review.objects.filter(author=member).exists()


def test_refused_photo_does_not_leave_a_new_product_behind(web, member, skincare):
    brand = BrandFactory()
    fake = SimpleUploadedFile("x.png", b"nope", content_type="image/png")
    data = form_data(
        product_mode="new", new_brand=str(brand.pk), new_category=str(skincare.pk), new_name="Ghost", photos=[fake]
    )
    response = web.post("/write/", data)
    assert response.status_code == 400
    assert 'value="Ghost"' in response.content.decode()
    assert not Product.objects.filter(name="Ghost").exists()


def test_missing_fields_are_named(web, product):
    response = web.post("/write/", {"product_mode": "existing", "title": "", "body": BODY})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-errors-for="rating"><p>Choose a rating from 1 to 5 stars.' in page
    assert 'data-errors-for="title"><p>This field is required.' in page
    assert 'data-errors-for="product"><p>Choose the product you are reviewing' in page
    assert BODY in page


def test_new_product_needs_brand_category_and_name(web):
    response = web.post("/write/", form_data(product_mode="new"))
    page = response.content.decode()
    assert 'data-errors-for="new_brand"><p>Choose the product' in page
    assert 'data-errors-for="new_category"><p>Choose a category.' in page
    assert 'data-errors-for="new_name"><p>Give the product' in page


def test_second_review_of_the_same_product_is_refused_on_the_product_field(web, member, product):
    ReviewFactory(author=member, product=product)
    response = web.post("/write/", form_data(product=str(product.pk)))
    assert response.status_code == 400
    assert 'data-errors-for="product"><p>You have already reviewed this product' in response.content.decode()


def test_too_many_tags_are_refused_naming_tags(web, product):
    response = web.post("/write/", form_data(product=str(product.pk), tags=" ".join(f"t{n}" for n in range(11))))
    assert response.status_code == 400
    assert 'data-errors-for="tags"><p>At most 10 tags per review.' in response.content.decode()


def test_background_submit_is_told_where_to_go(htmx, member, product):
    response = htmx.post("/write/", form_data(product=str(product.pk)))
    assert response.status_code == 200
    assert response["HX-Redirect"] == Review.objects.get(author=member).get_absolute_url()


def test_write_page_preselects_the_product_from_the_link(web, product):
    page = web.get(f"/write/?product={product.slug}").content.decode()
    assert f'name="product" value="{product.brand.name} · {product.name}"' in page


def test_the_product_picker_is_a_searchable_list_not_a_long_select(web, product):
    """Issue 25 item 8: a text box filtered by the browser through a <datalist>, no JS needed."""
    page = web.get("/write/").content.decode()
    assert '<select name="product"' not in page
    assert 'list="product-options"' in page
    assert f'<datalist id="product-options"><option value="{product.brand.name} · {product.name}">' in page


def test_a_review_names_its_product_by_the_label_from_the_list(web, member, product):
    label = f"{product.brand.name.upper()} · {product.name}"
    response = web.post("/write/", form_data(product=label), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Review.objects.get(author=member).product == product
    unknown = web.post("/write/", form_data(product="Nothing · like this"))
    assert unknown.status_code == 400
    assert "No such product: pick one from the list" in unknown.content.decode()
