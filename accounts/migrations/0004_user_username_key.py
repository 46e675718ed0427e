from django.db import migrations, models

# The rule itself, not a model: keys are computed exactly as User.save() computes them.
from accounts.names import legacy_key, name_key


def fill_username_keys(apps, schema_editor):
    """Key every account. Accounts whose names already collide all stay: the oldest keeps the
    plain key, each later one gets "<key>#<id>" so the unique constraint holds and new lookalikes
    of any of them are still refused."""
    User = apps.get_model("accounts", "User")
    seen = set()
    for user in User.objects.order_by("id").only("id", "username").iterator(chunk_size=2000):
        key = name_key(user.username)
        stored = key if key not in seen else legacy_key(key, user.pk)
        seen.add(key)
        User.objects.filter(pk=user.pk).update(username_key=stored)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_rerank_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(fields=["username_key"], name="user_username_key_unique"),
        ),
    ]
