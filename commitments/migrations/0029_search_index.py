"""The full-text index over SearchEntry, on each engine's own machinery, and its first fill.

PostgreSQL: a generated tsvector column (title weighted A, body B; the 'simple' configuration, so
names in any language match as written) with a GIN index. SQLite: an FTS5 table with SearchEntry
as its external content, kept by triggers. Either way, every write of a SearchEntry row updates the
index in the same statement or transaction; commitments/search.py keeps the rows true.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """ALTER TABLE commitments_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(body, '')), 'B')) STORED""",
    "CREATE INDEX search_entry_document ON commitments_searchentry USING GIN (document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE commitments_searchentry DROP COLUMN IF EXISTS document",
]
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE commitments_searchentry_fts USING fts5(
        title, body, content='commitments_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER commitments_searchentry_ai AFTER INSERT ON commitments_searchentry BEGIN
        INSERT INTO commitments_searchentry_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER commitments_searchentry_ad AFTER DELETE ON commitments_searchentry BEGIN
        INSERT INTO commitments_searchentry_fts(commitments_searchentry_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER commitments_searchentry_au AFTER UPDATE ON commitments_searchentry BEGIN
        INSERT INTO commitments_searchentry_fts(commitments_searchentry_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO commitments_searchentry_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS commitments_searchentry_au",
    "DROP TRIGGER IF EXISTS commitments_searchentry_ad",
    "DROP TRIGGER IF EXISTS commitments_searchentry_ai",
    "DROP TABLE IF EXISTS commitments_searchentry_fts",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


def fill(apps, schema_editor):
    from commitments import search

    search.reindex(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0028_links_events_versions_search")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
