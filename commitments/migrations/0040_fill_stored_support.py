"""Fill the columns 0039 added from the existing rows.

The backfill applies the rule as the code defines it, once (CommitmentQuerySet.refresh_support()):
one UPDATE that reads only columns this migration's state has.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from commitments.models import Commitment

    Commitment.objects.refresh_support()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0039_stored_support")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
