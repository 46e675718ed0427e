from django.db import migrations

# As ranking 0013 did for the standings: with no index on a figure, a rerank's update of a
# product's sums and score is an in-place (HOT) update that enters no index, and the pages keep
# 10 % free so that the updated row fits on its own page (PostgreSQL only). The ranks come from a
# sort of each category's candidates for its top (Engine.product_ranks).
TABLE = "ranking_productscore"


def set_fillfactor(value: int | None):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        if value is None:
            schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("ranking", "0013_standings_hot_updates")]

    operations = [
        migrations.RemoveIndex(model_name="productscore", name="product_score_rank"),
        migrations.RunPython(set_fillfactor(90), set_fillfactor(None), elidable=False),
    ]
