"""The production configuration: check --deploy is clean under .env.example, and the compose file is valid."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.conftest import skip_or_fail

BASE_DIR = Path(settings.BASE_DIR)


def production_environment() -> dict[str, str]:
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    # check --deploy needs no database; keep SQLite so the test needs no server.
    values.pop("DATABASE_URL")
    return {"PATH": os.environ["PATH"], **values}


def test_check_deploy_reports_no_issues_under_the_example_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_compose_file_is_valid(tmp_path):
    compose = shutil.which("docker-compose")
    if compose is None:
        skip_or_fail("docker-compose (Debian package docker-compose) is not installed")
    # Validate a copy with .env made from .env.example, as an operator would.
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(BASE_DIR / name, tmp_path / name)
    shutil.copy(BASE_DIR / ".env.example", tmp_path / ".env")

    result = subprocess.run([compose, "config", "-q"], cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr


def test_the_compose_stack_runs_exactly_one_beat_and_the_services_it_needs(tmp_path):
    import yaml

    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]

    assert {"db", "redis", "migrate", "web", "worker", "beat", "mailpit"} <= set(services)
    assert "deploy" not in services["beat"]  # no replicas: one beat
    assert "noeviction" in services["redis"]["command"] and "--appendonly" in services["redis"]["command"]


def test_every_long_running_service_is_restarted_when_it_exits():
    import yaml

    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]

    restart = {name: service.get("restart") for name, service in services.items()}
    assert restart.pop("migrate") == "on-failure"  # a one-shot job: again only if it failed
    assert set(restart.values()) == {"unless-stopped"}, restart
