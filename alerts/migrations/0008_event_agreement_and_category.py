"""Each deadline event keeps a copy of its commitment's agreement and category (what the alerts'
recipients are matched on), filled here from the commitments for the events already recorded."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_commitments(apps, schema_editor):
    DeadlineEvent = apps.get_model("alerts", "DeadlineEvent")
    Commitment = apps.get_model("commitments", "Commitment")
    commitment = Commitment.objects.filter(pk=OuterRef("commitment_id"))
    DeadlineEvent.objects.update(
        agreement_id=Subquery(commitment.values("provision_agreement_id")[:1]),
        category=Subquery(commitment.values("category")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0007_flagwatermark"),
        ("commitments", "0043_renewable_index_holds_the_notice_filter"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadlineevent",
            name="agreement",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="commitments.agreement",
            ),
        ),
        migrations.AddField(
            model_name="deadlineevent",
            name="category",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(copy_from_commitments, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="deadlineevent",
            name="agreement",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="commitments.agreement",
            ),
        ),
        migrations.AlterField(
            model_name="deadlineevent",
            name="category",
            field=models.CharField(editable=False, max_length=32),
        ),
    ]
