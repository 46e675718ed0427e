"""seed_demo on a database seeded before names had two languages: its demo rows get their
Chinese names, and the search index hears of them (issue 26)."""

import pytest

from reviews.management.commands.seed_demo import _name_in_chinese
from search.models import SearchDocument
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_demo_product_without_a_chinese_name_gets_one_and_is_reindexed():
    product = ProductFactory(name="Rice Milk Toner")
    _name_in_chinese(product, "米乳爽肤水")
    product.refresh_from_db()
    assert product.name_zh == "米乳爽肤水"
    document = SearchDocument.objects.get(kind=SearchDocument.Kind.PRODUCT, object_id=product.pk)
    assert "米乳爽肤水" in document.terms_a

    _name_in_chinese(product, "别的名字")  # a name already given is kept
    product.refresh_from_db()
    assert product.name_zh == "米乳爽肤水"
