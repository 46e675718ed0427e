from django.db import migrations

# On PostgreSQL the unique constraint "category_standing_once" (user, category) is backed by a
# covering index that also holds the figures a full rerank compares: the run reads the stored
# standings in (user, category) order from the index alone and merges them with the new ones,
# instead of hashing a million rows (bench/RESULTS.md, seventh session). The constraint, its name
# and what it enforces are unchanged, so the model keeps its plain UniqueConstraint (Django would
# drop a constraint with `include` on SQLite, the embedded default, where ON CONFLICT needs it).
# Standings are rewritten by every rerank: a vacuum every ~2 % of the table keeps the visibility
# map, which index-only scans rely on, current.
TABLE = "ranking_categorystanding"
COVERING = (
    f"CREATE UNIQUE INDEX category_standing_once_cover ON {TABLE} (user_id, category_id) "
    "INCLUDE (id, reputation, review_count, helpful_weight_received, is_expert)"
)
PLAIN = f"CREATE UNIQUE INDEX category_standing_once_plain ON {TABLE} (user_id, category_id)"


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


def vacuum_more_often(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (autovacuum_vacuum_scale_factor = 0.02)")


def back_to_defaults(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("ranking", "0007_covering_score_indexes")]

    operations = [
        migrations.RunPython(
            swap_in(COVERING, "category_standing_once_cover"),
            swap_in(PLAIN, "category_standing_once_plain"),
            elidable=False,
        ),
        migrations.RunPython(vacuum_more_often, back_to_defaults, elidable=False),
    ]
