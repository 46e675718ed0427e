"""The admin names every model in plain English (issue 25 item 9: it said "Category statss")."""

import pytest
from django.contrib import admin
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_index_says_category_stats_not_statss():
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get("/admin/").content.decode()
    assert "Category stats" in page
    assert "statss" not in page


def test_no_admin_model_gets_an_extra_s_on_a_name_ending_in_s():
    doubled = [
        f"{model._meta.label}: {model._meta.verbose_name_plural}"
        for model in admin.site._registry
        if str(model._meta.verbose_name).endswith("s")
        and str(model._meta.verbose_name_plural) == f"{model._meta.verbose_name}s"
    ]
    assert doubled == []
