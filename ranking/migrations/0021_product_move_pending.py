"""A product moved to another category is also recorded as pending work (RerankPending,
reason product_moved), not only through its reviews (ranking 0016): a product with no review
has no score row to carry the new category, so an incremental run left its product score in
the old category until the next full run (found by tests/ranking/test_parity.py)."""

from django.db import migrations, models

PG_FORWARD = """
CREATE OR REPLACE FUNCTION ranking_record_product_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ranking_reviewchange (review_id) SELECT id FROM reviews_review WHERE product_id = NEW.id;
    INSERT INTO ranking_rerankpending (reason, product_id, created_at) VALUES ('product_moved', NEW.id, now());
    RETURN NULL;
END
$$;
"""
PG_BACKWARD = """
CREATE OR REPLACE FUNCTION ranking_record_product_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ranking_reviewchange (review_id) SELECT id FROM reviews_review WHERE product_id = NEW.id;
    RETURN NULL;
END
$$;
"""
_SQLITE_TRIGGER = (
    "CREATE TRIGGER ranking_product_move AFTER UPDATE ON reviews_product WHEN NEW.category_id IS NOT OLD.category_id "
    "BEGIN INSERT INTO ranking_reviewchange (review_id) SELECT id FROM reviews_review WHERE product_id = NEW.id; {}END"
)
SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS ranking_product_move",
    _SQLITE_TRIGGER.format(
        "INSERT INTO ranking_rerankpending (reason, product_id, created_at) "
        "VALUES ('product_moved', NEW.id, CURRENT_TIMESTAMP); "
    ),
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS ranking_product_move", _SQLITE_TRIGGER.format("")]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        pg, sqlite = statements_by_vendor
        for sql in [pg] if schema_editor.connection.vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("ranking", "0020_review_score_agreement"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rerankpending",
            name="reason",
            field=models.CharField(
                choices=[
                    ("review_deleted", "Review deleted"),
                    ("level_changed", "Level changed"),
                    ("voter_changed", "Vote weight changed"),
                    ("product_moved", "Product moved to another category"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(run((PG_FORWARD, SQLITE_FORWARD)), run((PG_BACKWARD, SQLITE_BACKWARD))),
    ]
