"""`literal_sql`: a statement's fixed values written into its text on PostgreSQL. A prepared
statement without parameters is planned once, while one with parameters may be planned again on
every run (PostgreSQL's custom plans, kept when the generic plan looks dearer). Used by
reviews.selectors.CardRows.
"""

from __future__ import annotations

from django.db import connections


def literal_sql(db: str, sql: str, params) -> tuple[str, tuple]:
    """`sql` with `params` written into it, on PostgreSQL (elsewhere unchanged). The result may
    take further %s parameters: a literal % is doubled."""
    connection = connections[db]
    if connection.vendor != "postgresql" or not params:
        return sql, tuple(params)
    return connection.ops.compose_sql(sql, list(params)).replace("%", "%%"), ()
