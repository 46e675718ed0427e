from django.db import migrations

# PostgreSQL estimates how many votes a review has from the number of distinct review ids it
# finds in a sample of the votes. With the default sample (30 k rows of ten million) nearly every
# review in it appears once, so it guessed 180 k reviews, 55 votes each, against ~11 in fact; a
# rerank scoring a few hundred reviews then planned for 40 k votes and hashed every voter's
# standing instead of looking up the few thousand it needed (bench/RESULTS.md, tenth session).
# A larger sample for this one column brings the guess to ~18. PostgreSQL only.
TABLE = "reviews_helpfulvote"


def larger_sample(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN review_id SET STATISTICS 1000")


def default_sample(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN review_id SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_review_score_inputs_index")]

    operations = [migrations.RunPython(larger_sample, default_sample, elidable=False)]
