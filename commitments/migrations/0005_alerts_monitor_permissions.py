"""Let the Monitors group opt in to alerts and see how their delivery went.

Monitors add and remove their own per-agreement opt-ins (alerts_admin limits them to
their own rows) and view deadline events and alert deliveries; they change neither.
"""

from django.db import migrations

MONITORS = "Monitors"
CODENAMES = [
    "add_monitorsubscription",
    "view_monitorsubscription",
    "delete_monitorsubscription",
    "view_deadlineevent",
    "view_alertdelivery",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MONITORS)
    permissions = Permission.objects.filter(content_type__app_label="commitments", codename__in=CODENAMES)
    assert permissions.count() == len(CODENAMES), "an alerts permission is missing"
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MONITORS).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="commitments", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0004_alerts"),
        ("commitments", "0002_monitors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
