"""How the votes table is stored on PostgreSQL: one covering index by review, no redundant
single-column indexes, and autovacuum frequent enough to keep index-only scans index-only."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: index definitions and storage parameters are PostgreSQL's")


def test_votes_are_indexed_by_review_with_a_covering_index_and_no_redundant_ones():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reviews_helpfulvote'")
        indexes = dict(cursor.fetchall())
    assert "(review_id, user_id) INCLUDE (helpful)" in indexes["vote_review_cover"]
    single_columns = [d for d in indexes.values() if d.endswith("(review_id)") or d.endswith("(user_id)")]
    assert single_columns == []
    assert "(user_id, review_id)" in indexes["one_vote_per_user_per_review"]


def test_autovacuum_keeps_the_visibility_map_of_votes_current():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'reviews_helpfulvote'")
        (options,) = cursor.fetchone()
    assert "autovacuum_vacuum_insert_scale_factor=0.01" in options
    assert "autovacuum_vacuum_scale_factor=0.02" in options
