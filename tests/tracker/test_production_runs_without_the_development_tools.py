"""The development tools (benchmark, synthetic data, rundev, demo accounts) are never needed in
production: the production settings leave them out, the image does not carry them, and a
production process starts, serves and schedules without the folder."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = {"PATH": os.environ["PATH"], "SECRET_KEY": "k", "DJANGO_SETTINGS_MODULE": "tracker.settings"}


def installed_apps(cwd: Path, **env: str) -> list[str]:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(*settings.INSTALLED_APPS)",
        ],
        env={**PRODUCTION, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_settings_leave_the_development_tools_out():
    assert "devtools" not in installed_apps(BASE_DIR)
    assert "devtools" in installed_apps(BASE_DIR, DEBUG="true")
    assert "devtools" in installed_apps(BASE_DIR, DEVTOOLS="true")


def test_the_production_image_does_not_carry_the_development_tools():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert "devtools/" in ignored


def test_a_checkout_without_the_development_tools_checks_and_routes_every_url(tmp_path):
    checkout = tmp_path / "app"
    shutil.copytree(
        BASE_DIR, checkout, ignore=shutil.ignore_patterns(".venv", "node_modules", "var", ".git", "devtools", "tests")
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.management import call_command; call_command('check');"
            " from django.urls import reverse; print(reverse('dashboard:home'), reverse('opendata:feed'), reverse('alerts:subscribe'));"
            " import alerts.tasks, tracker.celery; print(sorted(tracker.celery.app.conf.beat_schedule))",
        ],
        env={**PRODUCTION, "SQLITE_PATH": str(tmp_path / "db.sqlite3")},
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "/ /feed.atom /alerts/subscribe/" in result.stdout
