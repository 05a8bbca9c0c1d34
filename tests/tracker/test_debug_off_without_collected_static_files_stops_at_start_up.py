"""With DEBUG off the pages name their static files through the manifest that collectstatic
writes. Without it, the web process stops at start-up saying what to run, instead of answering
every page with a 500; once collected, pages link the hashed files."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Start the WSGI application as gunicorn does, then ask it for a page that needs no database.
SERVE_A_PAGE = (
    "import tracker.wsgi; from django.test import Client;"
    " response = Client().get('/no-such-page/', HTTP_HOST='127.0.0.1');"
    " print(response.status_code, response.content.decode())"
)


def production(static_root: Path, *command: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "k",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "STATIC_ROOT": str(static_root),
        "SQLITE_PATH": str(static_root.parent / "db.sqlite3"),
    }
    return subprocess.run(
        [sys.executable, *command], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=120
    )


def test_the_web_process_refuses_to_start_without_collected_static_files_and_says_what_to_run(tmp_path):
    result = production(tmp_path / "static", "-c", SERVE_A_PAGE)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "python manage.py collectstatic --no-input" in result.stderr


def test_after_collectstatic_pages_link_the_hashed_static_files(tmp_path):
    static_root = tmp_path / "static"
    collected = production(static_root, "manage.py", "collectstatic", "--no-input", "-v0")
    assert collected.returncode == 0, collected.stderr

    result = production(static_root, "-c", SERVE_A_PAGE)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("404 ")
    assert re.search(r'href="/static/tracker/tracker\.[0-9a-f]{12}\.css"', result.stdout)
    assert re.search(r'href="/static/tracker/favicon\.[0-9a-f]{12}\.svg"', result.stdout)
