from django.conf import settings
from django.db import migrations, models

# The covering indexes serve index-only scans only for pages the visibility map calls all-visible.
# Each rerank rewrites a few thousand score rows, and PostgreSQL's default (a vacuum after 20 % of
# the table has changed) would leave most of the map stale for hours; a vacuum every ~2 % keeps it
# current (each one visits only the pages changed since the last).
VACUUM_MORE_OFTEN = "ALTER TABLE ranking_reviewscore SET (autovacuum_vacuum_scale_factor = 0.02)"
DEFAULTS = "ALTER TABLE ranking_reviewscore RESET (autovacuum_vacuum_scale_factor)"


def vacuum_more_often(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VACUUM_MORE_OFTEN)


def back_to_defaults(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DEFAULTS)


class Migration(migrations.Migration):

    dependencies = [
        ('ranking', '0006_category_standing_fewer_indexes'),
        ('reviews', '0006_vote_autovacuum'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='reviewscore',
            name='score_most_helpful',
        ),
        migrations.RemoveIndex(
            model_name='reviewscore',
            name='score_author',
        ),
        migrations.AddIndex(
            model_name='reviewscore',
            index=models.Index(condition=models.Q(('ranked', True)), fields=['product', '-quality', '-review'], include=('rating',), name='score_most_helpful'),
        ),
        migrations.AddIndex(
            model_name='reviewscore',
            index=models.Index(condition=models.Q(('ranked', True)), fields=['author', 'category'], include=('created_at', 'helpful_weight', 'unhelpful_weight', 'merit'), name='score_author'),
        ),
        migrations.RunPython(vacuum_more_often, back_to_defaults, elidable=False),
    ]
