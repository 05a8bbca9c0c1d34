"""SQLite: a read-only view of the full-text index's terms (FTS5's fts5vocab), so that a search can
expand a word into the terms it is a prefix of (commitments/search.py). Nothing to keep: it reads
the index itself. PostgreSQL: nothing."""

from django.db import migrations


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("commitments", "0037_statusupdate_commitment_order")]

    operations = [
        migrations.RunPython(
            run(
                {
                    "sqlite": [
                        "CREATE VIRTUAL TABLE commitments_searchentry_vocab"
                        " USING fts5vocab('commitments_searchentry_fts', 'row')"
                    ]
                }
            ),
            run({"sqlite": ["DROP TABLE IF EXISTS commitments_searchentry_vocab"]}),
        ),
    ]
