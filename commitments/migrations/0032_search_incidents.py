"""The search index holds the incident log's published incidents too (issue 14: "and incidents once
they exist"): fill their entries from the incidents already recorded."""

from django.db import migrations


def fill(apps, schema_editor):
    from commitments import search

    search.index(search.SEARCH_KINDS["incident"], None, apps)


def empty(apps, schema_editor):
    apps.get_model("commitments", "SearchEntry").objects.filter(kind="incident").delete()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0031_search_index_reads_text_in_angle_brackets")]

    operations = [migrations.RunPython(fill, empty)]
