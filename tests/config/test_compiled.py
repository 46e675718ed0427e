"""config.compiled: querysets compiled once and run again with other values give what the ORM
gives, in one query, and statements with their values written in are planned once."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from config.compiled import CompiledQuery, Placeholder, literal_sql
from reviews.models import Product, Review
from tests.factories import ProductFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def product_query():
    return CompiledQuery(
        Product.objects.select_related("brand", "category")
        .annotate(published=Count("reviews", filter=Q(reviews__status=Review.Status.PUBLISHED)))
        .filter(slug=Placeholder("slug"))
        .order_by()
    )


def test_a_compiled_query_gives_what_the_orm_gives_for_each_value():
    first, second = ProductFactory(), ProductFactory()
    ReviewFactory.create_batch(2, product=first)
    ReviewFactory(product=first, status=Review.Status.HIDDEN)
    ReviewFactory(product=second)
    query = product_query()
    for product, published in ((first, 2), (second, 1)):
        with CaptureQueriesContext(connection) as queries:
            (loaded,) = query.fetch(slug=product.slug)
            # Brand and category came with it: reading them runs no query.
            assert (loaded.brand.name, loaded.category.slug) == (product.brand.name, product.category.slug)
        assert len(queries) == 1
        assert loaded.pk == product.pk and loaded.published == published
        assert loaded.created_at == Product.objects.get(pk=product.pk).created_at  # converters applied
        assert loaded._state.adding is False and loaded._state.db == "default"
    assert query.fetch(slug="no-such-product") == []


def test_a_compiled_query_takes_exactly_its_values():
    query = product_query()
    with pytest.raises(ValueError, match="slug"):
        query.fetch()
    with pytest.raises(ValueError, match="slug"):
        query.fetch(slug="x", other="y")
    with pytest.raises(ValueError, match="plain model queryset"):
        CompiledQuery(Product.objects.prefetch_related("reviews"))
    with pytest.raises(ValueError, match="plain model queryset"):
        CompiledQuery(Product.objects.values("pk"))


def test_literal_sql_writes_the_values_in_on_postgresql_only():
    sql, params = literal_sql("default", "SELECT %s, %s + 1, 'abc' LIKE 'a%%'", ["it's 50%", 7])
    if connection.vendor == "postgresql":
        assert params == ()
        assert sql == "SELECT 'it''s 50%%', 7 + 1, 'abc' LIKE 'a%%'"
    else:
        assert (sql, params) == ("SELECT %s, %s + 1, 'abc' LIKE 'a%%'", ("it's 50%", 7))
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        assert tuple(cursor.fetchone()) == ("it's 50%", 8, True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: prepared statements")
def test_a_visitors_product_rows_are_planned_once(client):
    from tests.web.conftest import rerank

    product = ProductFactory()
    ReviewFactory.create_batch(3, product=product)
    rerank()
    for _ in range(4):
        assert client.get(product.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parameter_types::text, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%AS "keyset_value"%'],
        )
        found = cursor.fetchall()
    # No parameters: PostgreSQL plans it once (generic), never again per run (custom plans).
    assert found == [("{}", 0)]
