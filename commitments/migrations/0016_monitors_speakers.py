"""Let the Monitors group record speakers (add, change, view), as they record parties and sources."""

from django.db import migrations

MONITORS = "Monitors"
CODENAMES = ["add_speaker", "change_speaker", "view_speaker"]


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
    assert permissions.count() == len(CODENAMES), "a speaker permission is missing"
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
    dependencies = [("commitments", "0015_speakers_precision_support_roles")]

    operations = [migrations.RunPython(grant, revoke)]
