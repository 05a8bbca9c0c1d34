"""Rename the alert tables from commitments_* to alerts_*, many-to-many tables included.

Rows, keys and indexes stay as they are; only the names change.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0001_initial"),
        ("commitments", "0010_alerts_move_to_their_app"),
    ]

    operations = [
        migrations.AlterModelTable(name=name, table=None)
        for name in ["jobrun", "subscriberequest", "deadlineevent", "monitorsubscription", "subscriber", "alertdelivery"]
    ]
