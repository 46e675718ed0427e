from django.db import migrations, models

# Every change to what a review's score is computed from records a ranking_reviewchange row in
# the same transaction, by a trigger, so that no path (the services, the admin, a bulk update)
# changes an input unseen: an incremental rerank reads those reviews' inputs again and keeps the
# stored inputs of the others (a review in scope only for its new votes). The inputs: the review's
# product, author, date, rating, status and text length; its photos; its product's category.
REVIEW_INPUTS_CHANGED = [
    "NEW.product_id {ne} OLD.product_id",
    "NEW.author_id {ne} OLD.author_id",
    "NEW.created_at {ne} OLD.created_at",
    "NEW.rating {ne} OLD.rating",
    "NEW.status {ne} OLD.status",
    "NEW.body_length {ne} OLD.body_length",
]
PG_INPUTS_CHANGED = " OR ".join(c.format(ne="IS DISTINCT FROM") for c in REVIEW_INPUTS_CHANGED)
SQLITE_INPUTS_CHANGED = " OR ".join(c.format(ne="IS NOT") for c in REVIEW_INPUTS_CHANGED)

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION ranking_record_review_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ranking_reviewchange (review_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER ranking_review_change_insert AFTER INSERT ON reviews_review
FOR EACH ROW EXECUTE FUNCTION ranking_record_review_change();
CREATE TRIGGER ranking_review_change_update AFTER UPDATE ON reviews_review
FOR EACH ROW WHEN ({PG_INPUTS_CHANGED}) EXECUTE FUNCTION ranking_record_review_change();

CREATE OR REPLACE FUNCTION ranking_record_photo_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO ranking_reviewchange (review_id) VALUES (NEW.review_id);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO ranking_reviewchange (review_id) VALUES (OLD.review_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER ranking_photo_change AFTER INSERT OR DELETE ON reviews_reviewphoto
FOR EACH ROW EXECUTE FUNCTION ranking_record_photo_change();
CREATE TRIGGER ranking_photo_move AFTER UPDATE ON reviews_reviewphoto
FOR EACH ROW WHEN (NEW.review_id IS DISTINCT FROM OLD.review_id) EXECUTE FUNCTION ranking_record_photo_change();

CREATE OR REPLACE FUNCTION ranking_record_product_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ranking_reviewchange (review_id) SELECT id FROM reviews_review WHERE product_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER ranking_product_move AFTER UPDATE ON reviews_product
FOR EACH ROW WHEN (NEW.category_id IS DISTINCT FROM OLD.category_id) EXECUTE FUNCTION ranking_record_product_move();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS ranking_review_change_insert ON reviews_review;
DROP TRIGGER IF EXISTS ranking_review_change_update ON reviews_review;
DROP TRIGGER IF EXISTS ranking_photo_change ON reviews_reviewphoto;
DROP TRIGGER IF EXISTS ranking_photo_move ON reviews_reviewphoto;
DROP TRIGGER IF EXISTS ranking_product_move ON reviews_product;
DROP FUNCTION IF EXISTS ranking_record_review_change();
DROP FUNCTION IF EXISTS ranking_record_photo_change();
DROP FUNCTION IF EXISTS ranking_record_product_move();
"""
_SQLITE_INSERT = "INSERT INTO ranking_reviewchange (review_id)"
SQLITE_FORWARD = [
    "CREATE TRIGGER ranking_review_change_insert AFTER INSERT ON reviews_review BEGIN "
    f"{_SQLITE_INSERT} VALUES (NEW.id); END",
    f"CREATE TRIGGER ranking_review_change_update AFTER UPDATE ON reviews_review WHEN {SQLITE_INPUTS_CHANGED} "
    f"BEGIN {_SQLITE_INSERT} VALUES (NEW.id); END",
    "CREATE TRIGGER ranking_photo_change_insert AFTER INSERT ON reviews_reviewphoto BEGIN "
    f"{_SQLITE_INSERT} VALUES (NEW.review_id); END",
    "CREATE TRIGGER ranking_photo_change_delete AFTER DELETE ON reviews_reviewphoto BEGIN "
    f"{_SQLITE_INSERT} VALUES (OLD.review_id); END",
    "CREATE TRIGGER ranking_photo_move AFTER UPDATE ON reviews_reviewphoto WHEN NEW.review_id IS NOT OLD.review_id "
    f"BEGIN {_SQLITE_INSERT} VALUES (NEW.review_id); {_SQLITE_INSERT} VALUES (OLD.review_id); END",
    "CREATE TRIGGER ranking_product_move AFTER UPDATE ON reviews_product WHEN NEW.category_id IS NOT OLD.category_id "
    f"BEGIN {_SQLITE_INSERT} SELECT id FROM reviews_review WHERE product_id = NEW.id; END",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "ranking_review_change_insert",
        "ranking_review_change_update",
        "ranking_photo_change_insert",
        "ranking_photo_change_delete",
        "ranking_photo_move",
        "ranking_product_move",
    )
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    else:
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)
    # Reviews changed since the last run began, before these triggers existed: the next
    # incremental run reads their inputs again (with no run yet, the first one is full).
    schema_editor.execute(
        "INSERT INTO ranking_reviewchange (review_id) SELECT id FROM reviews_review WHERE changed_at > "
        "(SELECT MAX(started_at) FROM ranking_rerankrun WHERE status = 'done')"
    )


def drop_triggers(apps, schema_editor):
    for sql in [PG_BACKWARD] if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('ranking', '0015_vote_events'),
        ('reviews', '0008_vote_review_statistics'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReviewChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('review_id', models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
