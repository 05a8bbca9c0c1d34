"""The commitments' sort keys, filled by 0034, become required; the indexes that read them and the
stored flags are added."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("commitments", "0034_fill_stored_flags_sort_keys_and_latest_activity")]

    operations = [
        migrations.AlterField(
            model_name="commitment",
            name="agreement_signed_on",
            field=models.DateField(editable=False),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="agreement_title",
            field=models.CharField(editable=False, max_length=500),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="provision_agreement",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="commitments.agreement",
            ),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="provision_position",
            field=models.PositiveIntegerField(editable=False),
        ),
        migrations.AlterModelOptions(
            name="commitment",
            options={
                "ordering": [
                    "-agreement_signed_on",
                    "agreement_title",
                    "provision_agreement_id",
                    "provision_position",
                    "id",
                ]
            },
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                fields=["-agreement_signed_on", "agreement_title", "provision_agreement", "provision_position", "id"],
                name="commitment_agreement_order",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("is_disputed", True)), fields=["provision_agreement"], name="commitment_disputed"
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("is_contested", True)),
                fields=["provision_agreement"],
                name="commitment_contested",
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("current_status__in", ["ended", "fulfilled"]), _negated=True),
                fields=["provision_agreement", "deadline_ends_at"],
                name="commitment_open_deadline",
            ),
        ),
    ]
