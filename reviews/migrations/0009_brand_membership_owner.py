from django.db import migrations, models


def earliest_member_owns(apps, schema_editor):
    """Each brand's earliest member (its registrant, in every brand made through brand_register)
    becomes its owner, so every brand with members has one who can invite and remove."""
    BrandMembership = apps.get_model("reviews", "BrandMembership")
    owners = []
    seen = set()
    for membership in BrandMembership.objects.order_by("brand_id", "created_at", "id").only("id", "brand_id"):
        if membership.brand_id not in seen:
            seen.add(membership.brand_id)
            owners.append(membership.id)
    BrandMembership.objects.filter(id__in=owners).update(is_owner=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_vote_review_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="brandmembership",
            name="is_owner",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(earliest_member_owns, migrations.RunPython.noop),
    ]
