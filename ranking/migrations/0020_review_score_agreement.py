"""The agreement prior (issue 30): a review's score reads its product's average rating (an input,
stored) and stores its agreement with it (a figure). The input is filled here from the reviews,
so an incremental run before the next full run reads correct values; the figures are computed
by the next full run (the formula's fingerprint changed, so it recomputes every score)."""

from django.db import migrations, models


def fill_product_average_rating(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE ranking_reviewscore t SET product_average_rating = "
                "ROUND((a.s::float8 / a.n) * 1e6) / 1e6 "
                "FROM (SELECT product_id, SUM(rating) AS s, COUNT(*) AS n FROM reviews_review "
                "WHERE status = 'published' GROUP BY product_id) a WHERE a.product_id = t.product_id"
            )
        else:
            cursor.execute(
                "UPDATE ranking_reviewscore SET product_average_rating = "
                "ROUND((CAST(a.s AS REAL) / a.n) * 1e6) / 1e6 "
                "FROM (SELECT product_id, SUM(rating) AS s, COUNT(*) AS n FROM reviews_review "
                "WHERE status = 'published' GROUP BY product_id) a WHERE a.product_id = ranking_reviewscore.product_id"
            )
        # A product with no published review: the review's own rating (it agrees with itself).
        cursor.execute(
            "UPDATE ranking_reviewscore SET product_average_rating = rating "
            "WHERE product_id NOT IN (SELECT product_id FROM reviews_review WHERE status = 'published')"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ranking", "0019_category_stats_verbose_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewscore",
            name="agreement",
            field=models.FloatField(db_default=0.0, default=0.0),
        ),
        migrations.AddField(
            model_name="reviewscore",
            name="product_average_rating",
            field=models.FloatField(db_default=0.0, default=0.0),
        ),
        migrations.AddField(
            model_name="stagedscore",
            name="agreement",
            field=models.FloatField(default=0.0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="stagedscore",
            name="product_average_rating",
            field=models.FloatField(default=0.0),
            preserve_default=False,
        ),
        migrations.RunPython(fill_product_average_rating, migrations.RunPython.noop),
    ]
