from django.db import migrations, models

# The rule itself, not a model: keys are computed exactly as Brand.save() computes them.
from accounts.names import legacy_key, name_key


def fill_name_keys(apps, schema_editor):
    """Key every brand. Brands whose names already collide all stay: the oldest keeps the plain
    key, each later one gets "<key>#<id>" so the unique constraint holds and new lookalikes of
    any of them are still refused."""
    Brand = apps.get_model("reviews", "Brand")
    seen = set()
    for brand in Brand.objects.order_by("id").only("id", "name").iterator(chunk_size=2000):
        key = name_key(brand.name)
        stored = key if key not in seen else legacy_key(key, brand.pk)
        seen.add(key)
        Brand.objects.filter(pk=brand.pk).update(name_key=stored)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_brand_membership_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="brand",
            name="name_key",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="brand",
            constraint=models.UniqueConstraint(fields=["name_key"], name="brand_name_key_unique"),
        ),
    ]
