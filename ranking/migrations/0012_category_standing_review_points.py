from django.db import migrations, models

# On PostgreSQL the covering index behind "category_standing_once" (ranking 0008) also holds the
# new column: a full rerank compares it with the recomputed one while it reads the stored
# standings from the index alone.
TABLE = "ranking_categorystanding"
FIGURES = "id, reputation, review_count, helpful_weight_received, is_expert"
WITH_POINTS = (
    f"CREATE UNIQUE INDEX category_standing_once_points ON {TABLE} (user_id, category_id) "
    f"INCLUDE ({FIGURES}, review_points)"
)
WITHOUT_POINTS = (
    f"CREATE UNIQUE INDEX category_standing_once_cover ON {TABLE} (user_id, category_id) INCLUDE ({FIGURES})"
)


def swap_in(index_sql: str, index_name: str):
    def swap(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(index_sql)
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT category_standing_once")
        # Renames the index to the constraint's name.
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT category_standing_once UNIQUE USING INDEX {index_name}"
        )

    return swap


class Migration(migrations.Migration):
    dependencies = [("ranking", "0011_standing_review_points")]

    operations = [
        migrations.AddField(
            model_name="categorystanding",
            name="review_points",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.RunPython(
            swap_in(WITH_POINTS, "category_standing_once_points"),
            swap_in(WITHOUT_POINTS, "category_standing_once_cover"),
            elidable=False,
        ),
    ]
