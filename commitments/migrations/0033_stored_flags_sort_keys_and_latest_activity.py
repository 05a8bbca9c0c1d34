"""Issue 16: disputed and contested, the commitments' default order's keys and each agreement's
latest activity are stored (and kept true by the writes that change them): add the columns. 0034
fills them from the existing rows and 0035 makes the sort keys required and adds the indexes, each in
a migration of its own: PostgreSQL refuses to index or alter a table with the pending foreign-key
checks of updates made in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
