"""The database's own full-text index over search_searchdocument (see search/models.py):
PostgreSQL generated tsvector columns with GIN indexes, or an SQLite FTS5 table kept by
triggers. The analysis is done in Python (search.text), so PostgreSQL's 'simple' configuration
and FTS5's unicode61 tokenizer only split the stored terms on their spaces."""

from django.db import migrations

POSTGRES = [
    (
        "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple'::regconfig, terms_a), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, terms_b), 'B')) STORED",
        "ALTER TABLE search_searchdocument DROP COLUMN vector",
    ),
    (
        "ALTER TABLE search_searchdocument ADD COLUMN label_vector tsvector GENERATED ALWAYS AS ("
        "to_tsvector('simple'::regconfig, label)) STORED",
        "ALTER TABLE search_searchdocument DROP COLUMN label_vector",
    ),
    # Reviews are most of the rows: products, brands, tags and people get an index of their own,
    # so a search for them never walks the reviews' matches.
    (
        "CREATE INDEX search_document_review_vector ON search_searchdocument USING GIN (vector) WHERE kind = 'review'",
        "DROP INDEX search_document_review_vector",
    ),
    (
        "CREATE INDEX search_document_other_vector ON search_searchdocument USING GIN (vector) WHERE kind <> 'review'",
        "DROP INDEX search_document_other_vector",
    ),
    (
        "CREATE INDEX search_document_label ON search_searchdocument USING GIN (label_vector) WHERE label <> ''",
        "DROP INDEX search_document_label",
    ),
]

COLUMNS = "terms_a, terms_b, label"
SQLITE = [
    (
        f"CREATE VIRTUAL TABLE search_fts USING fts5({COLUMNS}, content='search_searchdocument', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        "DROP TABLE search_fts",
    ),
    (
        "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN "
        f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, new.terms_a, new.terms_b, new.label); END",
        "DROP TRIGGER search_fts_insert",
    ),
    (
        "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) "
        "VALUES ('delete', old.id, old.terms_a, old.terms_b, old.label); END",
        "DROP TRIGGER search_fts_delete",
    ),
    (
        "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) "
        "VALUES ('delete', old.id, old.terms_a, old.terms_b, old.label); "
        f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, new.terms_a, new.terms_b, new.label); END",
        "DROP TRIGGER search_fts_update",
    ),
]


def statements(vendor: str, backwards: bool) -> list[str]:
    pairs = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor)
    if pairs is None:
        raise NotImplementedError(f"search has no full-text index for {vendor}")
    return [undo for _do, undo in reversed(pairs)] if backwards else [do for do, _undo in pairs]


def forwards(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, backwards=False):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, backwards=True):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_documents_and_synonyms")]

    operations = [migrations.RunPython(forwards, backwards)]
