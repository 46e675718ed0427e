# ruff: noqa: S608 - SQL made from this file's own table and column names, no input
"""Review.changed_at is kept by the database: triggers set it on every write that changes what
the review's card shows or its ranking reads (Review.CHANGED_BY and Review.PRODUCT_SHOWN, copied
here as they stand; tests/reviews/test_changed_at.py checks the copies still agree). Every writer
is covered, the services, the admin, scripts and raw SQL alike, so no code bumps it by hand.

PostgreSQL: clock_timestamp(), not now(): a transaction's start time could fall before a rerank
that began while it ran, which would then never see the change. Photos and tags use
statement-level triggers over transition tables, so a bulk insert touches each review once.
SQLite keeps milliseconds only: the time is written with 999 microseconds, so a change is never
stamped earlier than it happened (`changed_at > since` may take a review one run early, never
miss it)."""

from django.db import migrations

CHANGED_BY = (
    "author_id",
    "product_id",
    "rating",
    "title",
    "body",
    "status",
    "created_at",
    "edited_at",
    "helpful_count",
    "not_helpful_count",
    "comment_count",
    "save_count",
)
PRODUCT_SHOWN = ("name", "slug", "brand_id", "category_id")

REVIEW, PHOTO, REVIEW_TAGS, TAG, PRODUCT = (
    "reviews_review",
    "reviews_reviewphoto",
    "reviews_review_tags",
    "reviews_tag",
    "reviews_product",
)
# The tables of rows that belong to one review (a review_id column), and what touches it.
PER_REVIEW = (PHOTO, REVIEW_TAGS)


def _changed(columns, distinct: str) -> str:
    return " OR ".join(f"NEW.{column} {distinct} OLD.{column}" for column in columns)


PG_NOW = "clock_timestamp()"
PG_FORWARD = (
    f"""
CREATE OR REPLACE FUNCTION reviews_review_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_at := {PG_NOW};
    RETURN NEW;
END
$$;
CREATE TRIGGER reviews_review_changed BEFORE UPDATE ON {REVIEW}
FOR EACH ROW WHEN ({_changed(CHANGED_BY, "IS DISTINCT FROM")}) EXECUTE FUNCTION reviews_review_changed();

CREATE OR REPLACE FUNCTION reviews_touch_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {REVIEW} SET changed_at = {PG_NOW} WHERE id IN (SELECT review_id FROM added);
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION reviews_touch_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {REVIEW} SET changed_at = {PG_NOW} WHERE id IN (SELECT review_id FROM removed);
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION reviews_touch_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {REVIEW} SET changed_at = {PG_NOW}
    WHERE id IN (SELECT review_id FROM added UNION SELECT review_id FROM removed);
    RETURN NULL;
END
$$;
"""
    + "".join(
        f"""
CREATE TRIGGER {table}_added AFTER INSERT ON {table} REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION reviews_touch_added();
CREATE TRIGGER {table}_removed AFTER DELETE ON {table} REFERENCING OLD TABLE AS removed
FOR EACH STATEMENT EXECUTE FUNCTION reviews_touch_removed();
CREATE TRIGGER {table}_updated AFTER UPDATE ON {table} REFERENCING OLD TABLE AS removed NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION reviews_touch_updated();
"""
        for table in PER_REVIEW
    )
    + f"""
CREATE OR REPLACE FUNCTION reviews_product_shown_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {REVIEW} SET changed_at = {PG_NOW} WHERE product_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER reviews_product_shown_changed AFTER UPDATE ON {PRODUCT}
FOR EACH ROW WHEN ({_changed(PRODUCT_SHOWN, "IS DISTINCT FROM")}) EXECUTE FUNCTION reviews_product_shown_changed();

CREATE OR REPLACE FUNCTION reviews_tag_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {REVIEW} SET changed_at = {PG_NOW} WHERE id IN (SELECT review_id FROM {REVIEW_TAGS} WHERE tag_id = NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER reviews_tag_renamed AFTER UPDATE ON {TAG}
FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name) EXECUTE FUNCTION reviews_tag_renamed();
"""
)
PG_BACKWARD = (
    f"DROP TRIGGER IF EXISTS reviews_review_changed ON {REVIEW};\n"
    + "".join(
        f"DROP TRIGGER IF EXISTS {table}_{event} ON {table};\n"
        for table in PER_REVIEW
        for event in ("added", "removed", "updated")
    )
    + f"DROP TRIGGER IF EXISTS reviews_product_shown_changed ON {PRODUCT};\n"
    f"DROP TRIGGER IF EXISTS reviews_tag_renamed ON {TAG};\n"
    + "".join(
        f"DROP FUNCTION IF EXISTS {function}();\n"
        for function in (
            "reviews_review_changed",
            "reviews_touch_added",
            "reviews_touch_removed",
            "reviews_touch_updated",
            "reviews_product_shown_changed",
            "reviews_tag_renamed",
        )
    )
)

# The format Django stores a DateTimeField in on SQLite (UTC, six decimals).
SQLITE_NOW = "(strftime('%Y-%m-%d %H:%M:%f', 'now') || '999')"


def _sqlite_touch(where: str) -> str:
    return f"UPDATE {REVIEW} SET changed_at = {SQLITE_NOW} WHERE {where};"


SQLITE_FORWARD = [
    # Recursive triggers are off (SQLite's default): this UPDATE does not fire the trigger again.
    f"CREATE TRIGGER reviews_review_changed AFTER UPDATE ON {REVIEW} WHEN {_changed(CHANGED_BY, 'IS NOT')} "
    f"BEGIN {_sqlite_touch('id = NEW.id')} END",
    *(
        statement
        for table in PER_REVIEW
        for statement in (
            f"CREATE TRIGGER {table}_added AFTER INSERT ON {table} BEGIN {_sqlite_touch('id = NEW.review_id')} END",
            f"CREATE TRIGGER {table}_removed AFTER DELETE ON {table} BEGIN {_sqlite_touch('id = OLD.review_id')} END",
            f"CREATE TRIGGER {table}_updated AFTER UPDATE ON {table} "
            f"BEGIN {_sqlite_touch('id IN (NEW.review_id, OLD.review_id)')} END",
        )
    ),
    f"CREATE TRIGGER reviews_product_shown_changed AFTER UPDATE ON {PRODUCT} WHEN {_changed(PRODUCT_SHOWN, 'IS NOT')} "
    f"BEGIN {_sqlite_touch('product_id = NEW.id')} END",
    f"CREATE TRIGGER reviews_tag_renamed AFTER UPDATE ON {TAG} WHEN NEW.name IS NOT OLD.name "
    f"BEGIN {_sqlite_touch(f'id IN (SELECT review_id FROM {REVIEW_TAGS} WHERE tag_id = NEW.id)')} END",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "reviews_review_changed",
        *(f"{table}_{event}" for table in PER_REVIEW for event in ("added", "removed", "updated")),
        "reviews_product_shown_changed",
        "reviews_tag_renamed",
    )
]


def run(pg: str, sqlite: list[str]):
    def apply(apps, schema_editor):
        for sql in [pg] if schema_editor.connection.vendor == "postgresql" else sqlite:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_brand_name_key"),
    ]

    operations = [
        migrations.RunPython(run(PG_FORWARD, SQLITE_FORWARD), run(PG_BACKWARD, SQLITE_BACKWARD), elidable=False),
    ]
