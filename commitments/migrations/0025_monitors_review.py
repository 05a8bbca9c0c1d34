"""Let the Monitors group review drafts (publish or send back other monitors' assessments, claims
and deadline changes: the "review" permission of each)."""

from django.db import migrations

MONITORS = "Monitors"
CODENAMES = ["review_statusupdate", "review_claim", "review_deadlinechange"]


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
    assert permissions.count() == len(CODENAMES), "a review permission is missing"
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
    dependencies = [("commitments", "0024_review_before_publication")]

    operations = [migrations.RunPython(grant, revoke)]
