"""Let the Monitors group requeue given-up deliveries and register webhook endpoints;
date the give-ups recorded before gave_up_at existed.

Monitors see only their own endpoints (alerts/admin.py) and requeue only deliveries about
agreements assigned to them (the admin's agreement scope).
"""

from django.db import migrations
from django.db.models import F

MONITORS = "Monitors"
CODENAMES = [
    "requeue_alertdelivery",
    "add_webhookendpoint",
    "change_webhookendpoint",
    "view_webhookendpoint",
    "delete_webhookendpoint",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("alerts")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MONITORS).first()
    if group:
        permissions = Permission.objects.filter(content_type__app_label="alerts", codename__in=CODENAMES)
        assert permissions.count() == len(CODENAMES), "an alerts permission is missing"
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MONITORS).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="alerts", codename__in=CODENAMES))


def date_old_give_ups(apps, schema_editor):
    """A row given up before this migration gave up at its last claim (its last attempt)."""
    AlertDelivery = apps.get_model("alerts", "AlertDelivery")
    AlertDelivery.objects.filter(status="failed", gave_up_at__isnull=True, claimed_at__isnull=False).update(
        gave_up_at=F("claimed_at")
    )
    AlertDelivery.objects.filter(status="failed", gave_up_at__isnull=True).update(gave_up_at=F("next_attempt_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_webhooks_requeue_optout"),
        ("commitments", "0005_alerts_monitor_permissions"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.RunPython(date_old_give_ups, migrations.RunPython.noop),
    ]
