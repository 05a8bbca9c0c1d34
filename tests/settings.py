"""Test settings: the production settings module, with a throwaway key and a fast hasher.

Everything else (DEBUG off, database from DATABASE_URL or SQLite) is exactly what
tracker.settings does, so the suite runs against PostgreSQL when DATABASE_URL is set.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# The suite tests the development tools too (benchmark harness, demo accounts, rundev).
os.environ.setdefault("DEVTOOLS", "true")

from tracker.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Serve static files from the apps' folders without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# --- Alerts integration tests ---------------------------------------------------
# The Celery worker that integration tests start is another process, so it cannot
# see SQLite's default in-memory test database: put the test database in a file
# (var/test-db.sqlite3). The worker gets its path from the test, via SQLITE_PATH.
# With DATABASE_URL (PostgreSQL) the test database is already visible to others.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405

# --- Sources ----------------------------------------------------------------------
# The link checker fetches loopback addresses only: no test can reach the internet.
SOURCE_LINK_CHECK_LOOPBACK_ONLY = True
# Stored copies of sources go to a folder of the test run's own (tests that store files
# give each test a temporary folder: the snapshot_storage fixture).
STORAGES["source_snapshots"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(BASE_DIR / "var" / "test-source-snapshots")},  # noqa: F405
}
