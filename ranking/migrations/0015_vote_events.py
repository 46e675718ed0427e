from django.db import migrations, models

# Every write to reviews_helpfulvote records a ranking_voteevent row in the same transaction, by
# a trigger, so that no path (the vote services, the admin, a cascade, a bulk load) can change a
# vote unseen: the rerank adds new votes to their reviews' stored sums (see ranking.engine).
PG_FORWARD = """
CREATE OR REPLACE FUNCTION ranking_record_vote_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ranking_voteevent (vote_id, review_id, user_id, helpful, kind)
        VALUES (NEW.id, NEW.review_id, NEW.user_id, NEW.helpful, 'insert');
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.helpful IS DISTINCT FROM OLD.helpful OR NEW.review_id <> OLD.review_id
                OR NEW.user_id <> OLD.user_id THEN
            INSERT INTO ranking_voteevent (vote_id, review_id, user_id, helpful, kind)
            VALUES (NEW.id, NEW.review_id, NEW.user_id, NEW.helpful, 'update');
            IF NEW.review_id <> OLD.review_id THEN
                INSERT INTO ranking_voteevent (vote_id, review_id, user_id, helpful, kind)
                VALUES (OLD.id, OLD.review_id, OLD.user_id, OLD.helpful, 'update');
            END IF;
        END IF;
    ELSE
        INSERT INTO ranking_voteevent (vote_id, review_id, user_id, helpful, kind)
        VALUES (OLD.id, OLD.review_id, OLD.user_id, OLD.helpful, 'delete');
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER ranking_vote_event AFTER INSERT OR UPDATE OR DELETE ON reviews_helpfulvote
FOR EACH ROW EXECUTE FUNCTION ranking_record_vote_event();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS ranking_vote_event ON reviews_helpfulvote;
DROP FUNCTION IF EXISTS ranking_record_vote_event();
"""
_SQLITE_INSERT = "INSERT INTO ranking_voteevent (vote_id, review_id, user_id, helpful, kind)"
SQLITE_FORWARD = [
    "CREATE TRIGGER ranking_vote_event_insert AFTER INSERT ON reviews_helpfulvote BEGIN "
    f"{_SQLITE_INSERT} VALUES (NEW.id, NEW.review_id, NEW.user_id, NEW.helpful, 'insert'); END",
    "CREATE TRIGGER ranking_vote_event_update AFTER UPDATE ON reviews_helpfulvote "
    "WHEN NEW.helpful IS NOT OLD.helpful OR NEW.review_id IS NOT OLD.review_id OR NEW.user_id IS NOT OLD.user_id "
    f"BEGIN {_SQLITE_INSERT} VALUES (NEW.id, NEW.review_id, NEW.user_id, NEW.helpful, 'update'); "
    f"{_SQLITE_INSERT} SELECT OLD.id, OLD.review_id, OLD.user_id, OLD.helpful, 'update' "
    "WHERE NEW.review_id IS NOT OLD.review_id; END",
    "CREATE TRIGGER ranking_vote_event_delete AFTER DELETE ON reviews_helpfulvote BEGIN "
    f"{_SQLITE_INSERT} VALUES (OLD.id, OLD.review_id, OLD.user_id, OLD.helpful, 'delete'); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ranking_vote_event_insert",
    "DROP TRIGGER IF EXISTS ranking_vote_event_update",
    "DROP TRIGGER IF EXISTS ranking_vote_event_delete",
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    else:
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    for sql in [PG_BACKWARD] if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('ranking', '0014_product_score_hot_updates'),
        ('reviews', '0008_vote_review_statistics'),
    ]

    operations = [
        migrations.CreateModel(
            name='VoteEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('vote_id', models.BigIntegerField()),
                ('review_id', models.BigIntegerField()),
                ('user_id', models.BigIntegerField()),
                ('helpful', models.BooleanField()),
                ('kind', models.CharField(choices=[('insert', 'Vote cast'), ('update', 'Vote changed'), ('delete', 'Vote withdrawn')], max_length=6)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
