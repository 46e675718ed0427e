"""Suggestions by prefix on PostgreSQL: each word of a name's label (search/models.py: the label's
unstemmed words and whole names, space-separated) as a row of `search_label_key`, in a B-tree
ordered by the key's bytes (COLLATE "C"), so a prefix is a range that the index walks in order and
stops after the first matches. The label's GIN index answers a prefix by collecting every word
that starts with it first: `pro` is 50,000 product names at 1M reviews (bench/search/RESULTS.md).

A trigger on search_searchdocument keeps the keys (as migration 0002's triggers keep SQLite's FTS5
table): rewritten when a document's label changes, gone with it. Reviews have no label: their
writes only evaluate the trigger's condition. SQLite needs none of this (FTS5 prefix queries)."""

from django.db import migrations

POSTGRES = [
    (
        'CREATE TABLE search_label_key (kind varchar(10) NOT NULL, object_id bigint NOT NULL, key text COLLATE "C" NOT NULL)',
        "DROP TABLE search_label_key",
    ),
    (
        "CREATE INDEX search_label_key_prefix ON search_label_key (kind, key)",
        "DROP INDEX search_label_key_prefix",
    ),
    (
        "CREATE INDEX search_label_key_document ON search_label_key (kind, object_id)",
        "DROP INDEX search_label_key_document",
    ),
    (
        "CREATE FUNCTION search_label_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN "
        "DELETE FROM search_label_key WHERE kind = OLD.kind AND object_id = OLD.object_id; END IF; "
        "IF TG_OP <> 'DELETE' AND NEW.label <> '' THEN "
        "INSERT INTO search_label_key (kind, object_id, key) SELECT DISTINCT NEW.kind, NEW.object_id, k "
        "FROM regexp_split_to_table(NEW.label, ' ') AS k WHERE k <> ''; END IF; "
        "RETURN NULL; END $$",
        "DROP FUNCTION search_label_keys()",
    ),
    (
        "CREATE TRIGGER search_label_keys_insert AFTER INSERT ON search_searchdocument FOR EACH ROW "
        "WHEN (NEW.label <> '') EXECUTE FUNCTION search_label_keys()",
        "DROP TRIGGER search_label_keys_insert ON search_searchdocument",
    ),
    (
        "CREATE TRIGGER search_label_keys_update AFTER UPDATE ON search_searchdocument FOR EACH ROW "
        "WHEN (OLD.label IS DISTINCT FROM NEW.label OR OLD.kind IS DISTINCT FROM NEW.kind "
        "OR OLD.object_id IS DISTINCT FROM NEW.object_id) EXECUTE FUNCTION search_label_keys()",
        "DROP TRIGGER search_label_keys_update ON search_searchdocument",
    ),
    (
        "CREATE TRIGGER search_label_keys_delete AFTER DELETE ON search_searchdocument FOR EACH ROW "
        "WHEN (OLD.label <> '') EXECUTE FUNCTION search_label_keys()",
        "DROP TRIGGER search_label_keys_delete ON search_searchdocument",
    ),
    (
        "INSERT INTO search_label_key (kind, object_id, key) SELECT DISTINCT d.kind, d.object_id, k "
        "FROM search_searchdocument d, regexp_split_to_table(d.label, ' ') AS k WHERE d.label <> '' AND k <> ''",
        "SELECT 1",
    ),
    ("ANALYZE search_label_key", "SELECT 1"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql, _undo in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for _do, undo in reversed(POSTGRES):
            schema_editor.execute(undo)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_review_quality")]

    operations = [migrations.RunPython(forwards, backwards)]
