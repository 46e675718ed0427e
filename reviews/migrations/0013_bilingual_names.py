"""Catalogue names in two languages (reviews/names.py): name_en and name_zh beside name.

Added by plain ALTER TABLE ... ADD COLUMN with a constant default, the same statement on both
databases: no table rewrite on PostgreSQL, and on SQLite Django's own AddField would rebuild the
tables (it does for any NOT NULL column), which drops their triggers (reviews 0011, ranking's).
Rows written by raw SQL get "" too.
"""

from django.db import migrations, models

COLUMNS = [
    ("brand", "reviews_brand", 120),
    ("category", "reviews_category", 80),
    ("product", "reviews_product", 160),
]
FIELDS = {"name_en": "English name", "name_zh": "Chinese name"}
HELP = {
    "name_en": "The name in English, if it differs from the name above.",
    "name_zh": "The name in Chinese (简体中文), if it differs from the name above.",
}


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0012_field_labels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {table} ADD COLUMN {column} varchar({length}) DEFAULT '' NOT NULL",
                    f"ALTER TABLE {table} DROP COLUMN {column}",
                )
                for _model, table, length in COLUMNS
                for column in FIELDS
            ],
            state_operations=[
                migrations.AddField(
                    model_name=model,
                    name=column,
                    field=models.CharField(
                        blank=True,
                        db_default="",
                        default="",
                        help_text=HELP[column],
                        max_length=length,
                        verbose_name=label,
                    ),
                )
                for model, _table, length in COLUMNS
                for column, label in FIELDS.items()
            ],
        ),
    ]
