"""Settings come from the environment with safe defaults, and a bad value stops start-up naming it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

BASE_ENV = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "tracker.settings"}


def start(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])",
        ],
        env={**BASE_ENV, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_and_sqlite_is_used_unless_set():
    result = start(SECRET_KEY="k")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_database_url_selects_postgresql():
    result = start(SECRET_KEY="k", DATABASE_URL="postgres://tracker:pw@db:5432/tracker")

    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]


def test_a_missing_secret_key_with_debug_off_stops_start_up_naming_it():
    result = start()

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false (got 'maybe')"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL is not a valid database URL"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE is not a known IANA time zone"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value, message):
    result = start(SECRET_KEY="k", **{variable: value})

    assert result.returncode != 0
    assert message in result.stderr
