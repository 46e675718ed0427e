import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Existing score rows get their review's author, creation time and rating (same SQL on
# PostgreSQL and SQLite), then the columns become NOT NULL.
FILL = """
UPDATE ranking_reviewscore SET
    author_id = (SELECT r.author_id FROM reviews_review r WHERE r.id = ranking_reviewscore.review_id),
    created_at = (SELECT r.created_at FROM reviews_review r WHERE r.id = ranking_reviewscore.review_id),
    rating = (SELECT r.rating FROM reviews_review r WHERE r.id = ranking_reviewscore.review_id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ranking", "0002_index_feature_changes"),
        ("reviews", "0001_catalogue_reviews_votes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewscore",
            name="author",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(model_name="reviewscore", name="created_at", field=models.DateTimeField(null=True)),
        migrations.AddField(
            model_name="reviewscore", name="rating", field=models.PositiveSmallIntegerField(null=True)
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="reviewscore",
            name="author",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(model_name="reviewscore", name="created_at", field=models.DateTimeField()),
        migrations.AlterField(model_name="reviewscore", name="rating", field=models.PositiveSmallIntegerField()),
        migrations.AddIndex(
            model_name="reviewscore",
            index=models.Index(condition=models.Q(("ranked", True)), fields=["author", "category"], name="score_author"),
        ),
    ]
