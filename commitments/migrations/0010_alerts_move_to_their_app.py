"""The alert models now belong to the alerts app (alerts/migrations/0001_initial.py).

State only: nothing in the database changes here; the rows stay where they are.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0009_feed_indexes"),
        ("alerts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="alertdelivery", name="event"),
                migrations.RemoveField(model_name="alertdelivery", name="monitor"),
                migrations.RemoveField(model_name="alertdelivery", name="subscriber"),
                migrations.RemoveField(model_name="deadlineevent", name="closes"),
                migrations.RemoveField(model_name="deadlineevent", name="commitment"),
                migrations.RemoveField(model_name="monitorsubscription", name="agreement"),
                migrations.RemoveField(model_name="monitorsubscription", name="user"),
                migrations.RemoveField(model_name="subscriber", name="agreements"),
                migrations.RemoveField(model_name="subscriber", name="parties"),
                migrations.DeleteModel(name="JobRun"),
                migrations.DeleteModel(name="SubscribeRequest"),
                migrations.DeleteModel(name="AlertDelivery"),
                migrations.DeleteModel(name="DeadlineEvent"),
                migrations.DeleteModel(name="MonitorSubscription"),
                migrations.DeleteModel(name="Subscriber"),
            ],
            database_operations=[],
        ),
    ]
