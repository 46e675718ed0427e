from django.db import migrations

# Votes are mostly inserted, and PostgreSQL's default insert threshold for autovacuum (20 % of
# the table) would leave two million new votes outside the visibility map of a ten-million-vote
# table: the full rerank's index-only scan of "vote_review_cover" then visits their heap pages
# too. A vacuum every ~1 % of new rows keeps the map current (each one is short: it only visits
# pages changed since the last).
VACUUM_MORE_OFTEN = (
    "ALTER TABLE reviews_helpfulvote SET (autovacuum_vacuum_insert_scale_factor = 0.01, "
    "autovacuum_vacuum_scale_factor = 0.02)"
)
DEFAULTS = (
    "ALTER TABLE reviews_helpfulvote RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_scale_factor)"
)


def vacuum_more_often(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VACUUM_MORE_OFTEN)


def back_to_defaults(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_vote_indexes")]

    operations = [migrations.RunPython(vacuum_more_often, back_to_defaults, elidable=False)]
