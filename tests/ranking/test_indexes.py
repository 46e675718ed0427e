"""The rerank's indexes on PostgreSQL (ranking migrations 0007, 0008, 0013 and 0014, reviews 0007): the
score inputs, reputation and product sums read covering indexes alone, while the standings that
every incremental run moves are indexed on their keys only, so that moving their figures is a HOT
update that enters no index. A migration that got either wrong would leave the results right but
the runs slower, so the definitions are checked here."""

import pytest
from django.db import connection

from ranking.engine import CATEGORY_STANDING_COLUMNS, PRODUCT_SCORE_COLUMNS, STORED_STANDING_COLUMNS

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
    ],
)
def test_the_rerank_reads_its_sums_from_covering_indexes(name, keys, included):
    definition = index_definition(name)
    assert f"{keys} INCLUDE {included}" in definition


def test_the_key_index_still_enforces_one_standing_per_member_and_category():
    assert index_definition("category_standing_once").endswith("USING btree (user_id, category_id)")
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
            "WHERE relname IN ('ranking_reviewscore', 'ranking_categorystanding', 'ranking_reviewerstanding', "
            "'ranking_productscore', 'reviews_review') "
            "ORDER BY relname"
        )
        options = dict(cursor.fetchall())
    assert options == {
        "ranking_categorystanding": ["autovacuum_vacuum_scale_factor=0.02", "fillfactor=90"],
        "ranking_productscore": ["fillfactor=90"],
        "ranking_reviewerstanding": ["fillfactor=90"],
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


# What an incremental run moves on a standing or product score (the engine's own column lists, so
# a figure added there is checked here too): an index holding any of these would make each such
# update enter every index of the table again (no HOT update). A product score's category is
# rewritten with its own value, which keeps an update in place.
MOVED_FIGURES = {
    "ranking_reviewerstanding": {*STORED_STANDING_COLUMNS, "vote_weight", "updated_at"},
    "ranking_categorystanding": set(CATEGORY_STANDING_COLUMNS),
    "ranking_productscore": {*PRODUCT_SCORE_COLUMNS, "updated_at"} - {"category_id"},
}


@pytest.mark.parametrize("table", sorted(MOVED_FIGURES))
def test_no_index_holds_a_figure_that_incremental_runs_move(table):
    with connection.cursor() as cursor:
        # Key, included and predicate columns alike: PostgreSQL updates in place only when none changes.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, a.attname FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum > 0 AND ("
            "  a.attnum = ANY(i.indkey::int2[]) "
            "  OR pg_get_expr(i.indpred, i.indrelid) ~ ('\\m' || a.attname || '\\M')) "
            "WHERE i.indrelid = %s::regclass",
            [table],
        )
        indexed = cursor.fetchall()
    assert indexed, "no index found: the query above is wrong"
    assert [(index, column) for index, column in indexed if column in MOVED_FIGURES[table]] == []
