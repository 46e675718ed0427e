"""Each review's document carries the review's quality from the ranking, indexed for walking a
query's matches best first (search/models.py). Filled here from ranking_reviewscore (the floor,
ranking.scoring.QUALITY_FLOOR, for a review not ranked yet); kept current by search.services."""

from django.db import migrations, models

FILL = (
    "UPDATE search_searchdocument SET quality = COALESCE("
    "(SELECT s.quality FROM ranking_reviewscore s WHERE s.review_id = search_searchdocument.object_id), 0.02) "
    "WHERE kind = 'review'"
)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_full_text_index"),
        ("ranking", "0001_scores_standings_fraud_testers"),
    ]

    operations = [
        # Written as SQL: SQLite's schema editor would rebuild the table for AddField and drop
        # the triggers that keep the FTS5 table (migration 0002).
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE search_searchdocument ADD COLUMN quality double precision NOT NULL DEFAULT 0",
                    "ALTER TABLE search_searchdocument DROP COLUMN quality",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="quality",
                    field=models.FloatField(db_default=0.0, default=0.0),
                )
            ],
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                condition=models.Q(("kind", "review")), fields=["-quality", "-object_id"], name="search_review_quality"
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
