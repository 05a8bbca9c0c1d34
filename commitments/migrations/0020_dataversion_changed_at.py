"""The data version records when it last moved (the `updated` date of an empty Atom feed).
An existing row gets the latest time anything was recorded; a database with no row keeps none."""

from django.db import migrations, models


def stamp_the_last_recorded_write(apps, schema_editor):
    DataVersion = apps.get_model("commitments", "DataVersion")
    recorded = [
        apps.get_model("commitments", name).objects.aggregate(latest=models.Max("recorded_at"))["latest"]
        for name in ("StatusUpdate", "Claim", "DeadlineChange")
    ]
    latest = max((moment for moment in recorded if moment is not None), default=None)
    DataVersion.objects.filter(pk=1).update(changed_at=latest)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0018_claim_speaker_is_a_speaker"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(stamp_the_last_recorded_write, migrations.RunPython.noop),
    ]
