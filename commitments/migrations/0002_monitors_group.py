"""Create the "Monitors" group with the permissions monitors need and no more.

Monitors record agreements and their commitments, sources, deadline changes,
status updates with evidence, and claims. The history is append-only for them:
they may add and view status updates, evidence, claims and deadline changes, but
never change or delete one. They delete nothing.
"""

from django.db import migrations

MONITORS = "Monitors"

PERMISSIONS = {
    "party": ["add", "change", "view"],
    "source": ["add", "change", "view"],
    "agreement": ["add", "change", "view"],
    "agreementtext": ["add", "change", "view"],
    "provision": ["add", "change", "view"],
    "commitment": ["add", "change", "view"],
    "deadlinechange": ["add", "view"],
    "statusupdate": ["add", "view"],
    "evidence": ["add", "view"],
    "claim": ["add", "view"],
}


def create_monitors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; make sure they exist now.
    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MONITORS)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="commitments", codename__in=codenames)
    assert permissions.count() == len(codenames), "a Monitors permission is missing"
    group.permissions.set(permissions)


def remove_monitors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MONITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_monitors_group, remove_monitors_group)]
