"""The rerank's covering indexes on PostgreSQL (ranking migrations 0007 and 0008, reviews 0007): the
score inputs, reputation, category-standing and product sums read them alone, and the full run's
category-standing diff merges two of them. A migration that lost a column would leave the results
right but the runs several times slower, so the definitions are checked here."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no covering indexes")


def index_definition(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = cursor.fetchone()
    assert row is not None, f"index {name} is missing"
    return row[0]


@pytest.mark.parametrize(
    ("name", "keys", "included"),
    [
        ("score_author", "(author_id, category_id)", "(created_at, helpful_weight, unhelpful_weight, merit)"),
        ("score_most_helpful", "(product_id, quality DESC, review_id DESC)", "(rating)"),
        (
            "review_score_inputs",
            "(id)",
            "(product_id, author_id, created_at, rating, status, body_length)",
        ),
        (
            "category_standing_once",
            "(user_id, category_id)",
            "(id, reputation, review_count, helpful_weight_received, is_expert, review_points)",
        ),
    ],
)
def test_the_rerank_reads_its_sums_from_covering_indexes(name, keys, included):
    definition = index_definition(name)
    assert f"{keys} INCLUDE {included}" in definition


def test_the_covering_index_still_enforces_one_standing_per_member_and_category():
    assert index_definition("category_standing_once").startswith("CREATE UNIQUE INDEX")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contype FROM pg_constraint WHERE conname = 'category_standing_once' "
            "AND conrelid = 'ranking_categorystanding'::regclass"
        )
        assert cursor.fetchone() == ("u",)


def test_score_and_standing_tables_are_vacuumed_often():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class "
            "WHERE relname IN ('ranking_reviewscore', 'ranking_categorystanding', 'reviews_review') ORDER BY relname"
        )
        options = dict(cursor.fetchall())
    assert options == {
        "ranking_categorystanding": ["autovacuum_vacuum_scale_factor=0.02"],
        "ranking_reviewscore": ["autovacuum_vacuum_scale_factor=0.02"],
        "reviews_review": ["autovacuum_vacuum_scale_factor=0.02"],
    }


def test_votes_per_review_are_estimated_from_a_larger_sample():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'reviews_helpfulvote'::regclass AND attname = 'review_id'"
        )
        assert cursor.fetchone() == (1000,)
