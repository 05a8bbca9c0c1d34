"""Joins two lines of migrations made side by side: stored copies and link checks of
sources (0011, 0012) and the data version's change time (0020). Nothing to do."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0012_monitors_snapshots_and_link_checks"),
        ("commitments", "0020_dataversion_changed_at"),
    ]

    operations = []
