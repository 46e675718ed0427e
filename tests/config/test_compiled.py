"""config.compiled: statements with their values written in are planned once."""

import pytest
from django.db import connection

from config.compiled import literal_sql
from tests.factories import ProductFactory, ReviewFactory

pytestmark = pytest.mark.django_db


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
