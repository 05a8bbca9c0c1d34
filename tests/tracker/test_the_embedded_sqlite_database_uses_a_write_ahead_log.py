"""The embedded default (SQLite, shared by the web process, the Celery worker and beat) runs with a
write-ahead log, so readers do not wait for a writer and a commit does not wait for the disk."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_sqlite_file_is_in_wal_mode_with_normal_sync():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL: not an embedded file")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
