"""Brand names are stored normalised and refused when they look like an existing brand's
(issue 28.6)."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from accounts.names import TOO_SIMILAR
from brands import services
from reviews.models import Brand
from tests.conftest import client_for
from tests.factories import BrandFactory, UserFactory

pytestmark = pytest.mark.django_db

# Each looks like "Lumière Lab" to a reader.
LOOKALIKES = [
    pytest.param("Lumière\u200bLab", id="zero-width space"),
    pytest.param("Lumière\u00a0Lab", id="no-break space"),
    pytest.param("Lumière\u202eLab", id="right-to-left override"),
    pytest.param("Ｌｕｍｉèｒｅ Ｌａｂ", id="fullwidth letters"),
    pytest.param("LUMIÈRE LAB", id="case"),
    pytest.param("Lumiere Lab", id="no accent"),
    pytest.param("Lumie\u0300re Lab", id="decomposed accent"),
    pytest.param("Lumière Lаb", id="cyrillic a"),  # U+0430
    pytest.param("Lurnière Lab", id="rn for m"),
]


@pytest.fixture
def lumiere(db):
    return BrandFactory(name="Lumière Lab", slug="lumiere-lab")


def register(username: str, name: str):
    return client_for(UserFactory(username=username)).post("/api/v1/brand/", {"name": name}, format="json")


@pytest.mark.parametrize("name", LOOKALIKES)
def test_api_refuses_a_lookalike_of_an_existing_brand(lumiere, name):
    response = register("founder", name)
    assert response.status_code == 400, response.content
    assert "name" in response.json()
    assert Brand.objects.count() == 1


def test_api_says_the_name_is_too_similar(lumiere):
    assert register("founder", "Lumière\u200bLab").json()["name"] == [TOO_SIMILAR]


def test_api_stores_the_normalised_name(db):
    response = register("founder", "  Ｄｅｗｙ\u00a0\u200bLab ")
    assert response.status_code == 201, response.content
    assert Brand.objects.get().name == "Dewy Lab"


def test_api_refuses_a_name_mixing_latin_and_cyrillic(db):
    response = register("founder", "Pеtal Co")  # Cyrillic е, no such brand yet
    assert response.status_code == 400
    assert "name" in response.json()
    assert not Brand.objects.exists()


@pytest.mark.parametrize("name", ["小红", "小紅书", "さくら化粧品", "Пётр и Ко", "小红 Lab"])
def test_api_accepts_brand_names_in_other_scripts(db, name):
    response = register("founder", name)
    assert response.status_code == 201, response.content
    brand = Brand.objects.get()
    assert brand.name == name
    assert brand.slug  # an ASCII address even when the name has no Latin letters


def test_simplified_and_traditional_brand_names_are_different_brands(db):
    assert register("first", "小红").status_code == 201
    assert register("second", "小紅").status_code == 201
    assert len({brand.slug for brand in Brand.objects.all()}) == 2


@pytest.mark.parametrize("name", LOOKALIKES)
def test_web_registration_refuses_a_lookalike(client, lumiere, name):
    client.force_login(UserFactory(username="founder"))
    response = client.post("/brand/", {"name": name})
    assert response.status_code == 400
    assert Brand.objects.count() == 1


@pytest.mark.parametrize("name", LOOKALIKES)
def test_the_service_refuses_a_lookalike_too(lumiere, name):
    with pytest.raises(ValidationError) as refused:
        services.brand_register(user=UserFactory(username="founder"), name=name)
    assert "name" in refused.value.message_dict
    assert Brand.objects.count() == 1


def test_the_service_refuses_a_name_longer_than_the_column_once_normalised(db):
    with pytest.raises(ValidationError) as refused:
        services.brand_register(user=UserFactory(), name="\ufdfa" * 10)  # NFKC: 18 letters each
    assert "name" in refused.value.message_dict


def test_every_saved_brand_carries_its_key_so_the_database_refuses_a_racing_lookalike(lumiere):
    assert lumiere.name_key == "lurnierelab"
    with pytest.raises(IntegrityError), transaction.atomic():  # whatever path writes the row
        Brand.objects.create(name="LUMIERE LAB", slug="other")


def test_admin_refuses_a_lookalike(lumiere, rf: RequestFactory):
    form_class = site._registry[Brand].get_form(rf.get("/"), obj=None)
    form = form_class(data={"name": "Lumière\u200bLab", "slug": "lumierelab"})
    assert not form.is_valid()
    assert form.errors["name"] == [TOO_SIMILAR]


def test_brands_that_already_collided_both_stay(db):
    fill_name_keys = import_module("reviews.migrations.0010_brand_name_key").fill_name_keys
    first = BrandFactory(name="Lumière Lab", slug="lumiere-lab")
    second = BrandFactory(name="Other", slug="lumierelab")
    Brand.objects.filter(pk=first.pk).update(name_key="old-1")
    Brand.objects.filter(pk=second.pk).update(name="LumièreLab", name_key="old-2")
    fill_name_keys(django_apps, None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name_key, second.name_key) == ("lurnierelab", f"lurnierelab#{second.pk}")
    second.description = "Still here"
    second.save()
    second.refresh_from_db()
    assert second.name_key == f"lurnierelab#{second.pk}"
