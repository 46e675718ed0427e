from django.db import migrations

# An incremental rerank moves the figures of a few thousand reviewer and category standings. With
# no index holding a moved column, PostgreSQL updates those rows in place on their page (HOT)
# instead of entering every index again: about half the cost of each such UPDATE (measured in
# bench/RESULTS.md, eleventh session). So on PostgreSQL:
# - the reputation indexes go (the models' RemoveIndex below; only the full run's ranks read
#   them, and it sorts the top instead);
# - the unique index behind "category_standing_once" holds the keys only again (ranking 0008 and
#   0012 had it cover the figures);
# - the pages keep 10 % free, so an updated row finds room on its own page.
CATSTANDING = "ranking_categorystanding"
STANDING = "ranking_reviewerstanding"
COVERED = "id, reputation, review_count, helpful_weight_received, is_expert, review_points"


def swap_once_index(index_sql: str, index_name: str):
    def swap(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(index_sql)
        schema_editor.execute(f"ALTER TABLE {CATSTANDING} DROP CONSTRAINT category_standing_once")
        # Renames the index to the constraint's name.
        schema_editor.execute(
            f"ALTER TABLE {CATSTANDING} ADD CONSTRAINT category_standing_once UNIQUE USING INDEX {index_name}"
        )

    return swap


def set_fillfactor(value: int | None):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in (CATSTANDING, STANDING):
            if value is None:
                schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
            else:
                schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("ranking", "0012_category_standing_review_points")]

    operations = [
        migrations.RemoveIndex(model_name="categorystanding", name="category_standing_rep"),
        migrations.RemoveIndex(model_name="reviewerstanding", name="standing_reputation"),
        migrations.RunPython(
            swap_once_index(
                f"CREATE UNIQUE INDEX category_standing_once_keys ON {CATSTANDING} (user_id, category_id)",
                "category_standing_once_keys",
            ),
            swap_once_index(
                f"CREATE UNIQUE INDEX category_standing_once_cover ON {CATSTANDING} (user_id, category_id) "
                f"INCLUDE ({COVERED})",
                "category_standing_once_cover",
            ),
            elidable=False,
        ),
        migrations.RunPython(set_fillfactor(90), set_fillfactor(None), elidable=False),
    ]
