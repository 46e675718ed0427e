from importlib import import_module

from django.db import migrations, models

# Each vote event records its voter's vote weight and the vote-weight version, read together in
# the vote's own statement; a trigger on the standings moves the version on with every change of
# a vote weight, in that change's transaction. A run whose snapshot still shows an event's
# version knows the event's weight is the voter's weight: it looks up only the other voters'.
previous = import_module("ranking.migrations.0015_vote_events")

WEIGHT = "(SELECT vote_weight FROM ranking_reviewerstanding WHERE user_id = {who}.user_id)"
VERSION = "(SELECT version FROM ranking_voteweightversion WHERE id = 1)"
COLUMNS = "vote_id, review_id, user_id, helpful, kind, weight, weight_version"


def _values(who: str, kind: str) -> str:
    weight = WEIGHT.format(who=who)
    return f"({who}.id, {who}.review_id, {who}.user_id, {who}.helpful, '{kind}', {weight}, {VERSION})"


PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION ranking_record_vote_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ranking_voteevent ({COLUMNS}) VALUES {_values("NEW", "insert")};
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.helpful IS DISTINCT FROM OLD.helpful OR NEW.review_id <> OLD.review_id
                OR NEW.user_id <> OLD.user_id THEN
            INSERT INTO ranking_voteevent ({COLUMNS}) VALUES {_values("NEW", "update")};
            IF NEW.review_id <> OLD.review_id THEN
                INSERT INTO ranking_voteevent ({COLUMNS}) VALUES {_values("OLD", "update")};
            END IF;
        END IF;
    ELSE
        INSERT INTO ranking_voteevent ({COLUMNS}) VALUES {_values("OLD", "delete")};
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION ranking_next_vote_weight_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ranking_voteweightversion SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER ranking_vote_weight_version AFTER UPDATE OF vote_weight ON ranking_reviewerstanding
FOR EACH STATEMENT EXECUTE FUNCTION ranking_next_vote_weight_version();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS ranking_vote_weight_version ON ranking_reviewerstanding;
DROP FUNCTION IF EXISTS ranking_next_vote_weight_version();
""" + previous.PG_FORWARD.replace("CREATE TRIGGER ranking_vote_event", "DROP TRIGGER ranking_vote_event ON reviews_helpfulvote;\nCREATE TRIGGER ranking_vote_event")

_SQLITE_INSERT = f"INSERT INTO ranking_voteevent ({COLUMNS})"
SQLITE_FORWARD = [
    *previous.SQLITE_BACKWARD,
    "CREATE TRIGGER ranking_vote_event_insert AFTER INSERT ON reviews_helpfulvote BEGIN "
    f"{_SQLITE_INSERT} VALUES {_values('NEW', 'insert')}; END",
    "CREATE TRIGGER ranking_vote_event_update AFTER UPDATE ON reviews_helpfulvote "
    "WHEN NEW.helpful IS NOT OLD.helpful OR NEW.review_id IS NOT OLD.review_id OR NEW.user_id IS NOT OLD.user_id "
    f"BEGIN {_SQLITE_INSERT} VALUES {_values('NEW', 'update')}; "
    f"{_SQLITE_INSERT} SELECT {_values('OLD', 'update')[1:-1]} "
    "WHERE NEW.review_id IS NOT OLD.review_id; END",
    "CREATE TRIGGER ranking_vote_event_delete AFTER DELETE ON reviews_helpfulvote BEGIN "
    f"{_SQLITE_INSERT} VALUES {_values('OLD', 'delete')}; END",
    "CREATE TRIGGER ranking_vote_weight_version AFTER UPDATE OF vote_weight ON ranking_reviewerstanding "
    "WHEN NEW.vote_weight IS NOT OLD.vote_weight "
    "BEGIN UPDATE ranking_voteweightversion SET version = version + 1 WHERE id = 1; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ranking_vote_weight_version",
    *previous.SQLITE_BACKWARD,
    *previous.SQLITE_FORWARD,
]


def forward(apps, schema_editor):
    apps.get_model("ranking", "VoteWeightVersion").objects.create(id=1, version=0)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    else:
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    else:
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('ranking', '0016_review_changes'),
    ]

    operations = [
        migrations.CreateModel(
            name='VoteWeightVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name='voteevent',
            name='weight',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='voteevent',
            name='weight_version',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
