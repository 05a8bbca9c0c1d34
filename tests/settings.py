"""Test settings: the production settings module, with a throwaway key and a fast hasher.

Everything else (DEBUG off, database from DATABASE_URL or SQLite) is exactly what
tracker.settings does, so the suite runs against PostgreSQL when DATABASE_URL is set.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from tracker.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Serve static files from the apps' folders without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
