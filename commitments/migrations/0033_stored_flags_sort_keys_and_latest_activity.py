"""Issue 16: disputed and contested, the commitments' default order's keys and each agreement's
latest activity are stored (and kept true by the writes that change them): add the columns and fill
them from the existing rows. 0034 makes the sort keys required and adds the indexes (a separate
migration: PostgreSQL refuses to alter a table with pending foreign-key checks of this one's updates).

The backfill applies the rules as the code defines them, once (CommitmentQuerySet.refresh_sort_keys()
and refresh_flags(), AgreementQuerySet.refresh_latest_activity()): each is one UPDATE that reads only
columns this migration's state has.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from commitments.models import Agreement, Commitment

    Commitment.objects.refresh_sort_keys()
    Commitment.objects.refresh_flags()
    Agreement.objects.refresh_latest_activity()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0032_search_incidents")]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="is_disputed",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="commitment",
            name="is_contested",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="commitment",
            name="agreement_signed_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="commitment",
            name="agreement_title",
            field=models.CharField(editable=False, max_length=500, null=True),
        ),
        migrations.AddField(
            model_name="commitment",
            name="provision_agreement",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="commitments.agreement",
            ),
        ),
        migrations.AddField(
            model_name="commitment",
            name="provision_position",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="agreement",
            name="latest_activity",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
