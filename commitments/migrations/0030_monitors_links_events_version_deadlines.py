"""Let the Monitors group record links between agreements, the events deadlines count from, and the
deadline in each version of a text (add, change, view), as they record agreements and commitments."""

from django.db import migrations

MONITORS = "Monitors"
CODENAMES = [
    f"{action}_{model}"
    for model in ("agreementlink", "agreementevent", "versiondeadline")
    for action in ("add", "change", "view")
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
    assert permissions.count() == len(CODENAMES), "a permission is missing"
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
    dependencies = [("commitments", "0029_search_index")]

    operations = [migrations.RunPython(grant, revoke)]
