"""A review's tags' words reach its document in the statement that links them: a trigger on the
review-tag link appends the tag document's words (`terms_a`) to the review's document, so a new
review's write makes one index statement of its own (the document's INSERT), not two. A tag that
has no document yet (its first use) adds nothing here: search.services.review_tags_added writes
its document and appends its words."""

from django.db import migrations

APPEND = (
    "UPDATE search_searchdocument SET terms_a = TRIM(terms_a || ' ' || "
    "(SELECT t.terms_a FROM search_searchdocument t WHERE t.kind = 'tag' AND t.object_id = NEW.tag_id)) "
    "WHERE kind = 'review' AND object_id = NEW.review_id AND EXISTS "
    "(SELECT 1 FROM search_searchdocument t WHERE t.kind = 'tag' AND t.object_id = NEW.tag_id);"
)
POSTGRES_FORWARD = (
    "CREATE FUNCTION search_append_tag_words() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"{APPEND} RETURN NULL; END $$; "
    "CREATE TRIGGER search_review_tag_added AFTER INSERT ON reviews_review_tags "
    "FOR EACH ROW EXECUTE FUNCTION search_append_tag_words();"
)
POSTGRES_BACKWARD = (
    "DROP TRIGGER IF EXISTS search_review_tag_added ON reviews_review_tags; "
    "DROP FUNCTION IF EXISTS search_append_tag_words();"
)
SQLITE_FORWARD = f"CREATE TRIGGER search_review_tag_added AFTER INSERT ON reviews_review_tags BEGIN {APPEND} END"
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS search_review_tag_added"


def create_trigger(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(POSTGRES_FORWARD if postgres else SQLITE_FORWARD)


def drop_trigger(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(POSTGRES_BACKWARD if postgres else SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_label_keys"), ("reviews", "0001_catalogue_reviews_votes")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
