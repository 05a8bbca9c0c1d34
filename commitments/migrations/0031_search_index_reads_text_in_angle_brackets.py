"""PostgreSQL's text-search parser reads "<…>" as markup: it drops tags and skips what stands
between <script> and </script>, so a quoted passage such as "<script>alert(1)</script> 44 returned"
was not found by "alert". The generated column now reads '<' and '>' as two private-use characters,
which the parser takes as separators like any punctuation (the search's headline does the same, and
commitments/search.py turns them back before escaping). SQLite's FTS5 never read markup: no change.
"""

from django.db import migrations

COLUMN = """ALTER TABLE commitments_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', {title}), 'A') ||
    setweight(to_tsvector('simple', {body}), 'B')) STORED"""
PLAIN = {"title": "coalesce(title, '')", "body": "coalesce(body, '')"}
NO_MARKUP = {
    "title": "translate(coalesce(title, ''), '<>', U&'\\E000\\E001')",
    "body": "translate(coalesce(body, ''), '<>', U&'\\E000\\E001')",
}


def replace_column(columns):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_document")
        schema_editor.execute("ALTER TABLE commitments_searchentry DROP COLUMN IF EXISTS document")
        schema_editor.execute(COLUMN.format(**columns))
        schema_editor.execute("CREATE INDEX search_entry_document ON commitments_searchentry USING GIN (document)")

    return operation


class Migration(migrations.Migration):
    dependencies = [("commitments", "0030_monitors_links_events_version_deadlines")]

    operations = [migrations.RunPython(replace_column(NO_MARKUP), replace_column(PLAIN))]
