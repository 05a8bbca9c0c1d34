"""Fill the columns 0033 added from the existing rows.

The backfill applies the rules as the code defines them, once (CommitmentQuerySet.refresh_sort_keys()
and refresh_flags(), AgreementQuerySet.refresh_latest_activity()): each is one UPDATE that reads only
columns this migration's state has.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from commitments.models import Agreement, Commitment

    Commitment.objects.refresh_sort_keys()
    Commitment.objects.refresh_flags()
    Agreement.objects.refresh_latest_activity()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0033_stored_flags_sort_keys_and_latest_activity")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
