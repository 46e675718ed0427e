from django.db import migrations

# The nightly full rerank recomputes every review's score inputs (product, author, date, rating,
# status, length). Read from the review rows, that is a scan of the whole table, bodies included
# (1.6 GB for a million reviews); this covering index holds just those columns (64 MB), so
# PostgreSQL scans it instead, in parallel (bench/RESULTS.md, seventh session). PostgreSQL only:
# on SQLite it would be a second copy of the primary key. Every vote rewrites its review's row
# (counters, changed_at), so a vacuum every ~2 % of the table keeps the visibility map, which
# index-only scans rely on, current.
CREATE = (
    "CREATE INDEX IF NOT EXISTS review_score_inputs ON reviews_review (id) "
    "INCLUDE (product_id, author_id, created_at, rating, status, body_length)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ALTER TABLE reviews_review SET (autovacuum_vacuum_scale_factor = 0.02)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS review_score_inputs")
        schema_editor.execute("ALTER TABLE reviews_review RESET (autovacuum_vacuum_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_vote_autovacuum")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
