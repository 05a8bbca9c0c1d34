"""Measurements for `manage.py benchmark` (see README, "Benchmarks").

Plain functions that each measure one thing against the configured database and
return numbers; the command runs them in order and prints the table. Nothing here
runs in the test suite's timing: tests only check that the functions work on tiny data.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.core.mail import get_connection
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from alerts import sending
from alerts.models import AlertDelivery, DeadlineEvent, Subscriber
from commitments import search
from commitments.filters import CommitmentFilter
from commitments.models import Agreement, Commitment, Provision, end_of_day


@dataclass
class Timing:
    name: str
    url: str
    median_ms: float  # rendered afresh (the page cache emptied before each request)
    p95_ms: float
    warm_median_ms: float  # served from the page cache
    queries: int
    status: int


def _samples(client: Client, url: str, repeat: int, cold: bool) -> tuple[list[float], int]:
    samples, status = [], 0
    for _ in range(repeat):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return samples, status


def time_url(client: Client, name: str, url: str, repeat: int, warmup: int = 3) -> Timing:
    """Return the server time of GET `url`: median and 95th percentile over `repeat` requests
    rendered afresh, and the median when served from the page cache."""
    _samples(client, url, warmup, cold=True)
    cold, status = _samples(client, url, repeat, cold=True)
    client.get(url)
    warm, _ = _samples(client, url, repeat, cold=False)
    return Timing(
        name,
        url,
        statistics.median(cold),
        percentile(cold, 95),
        statistics.median(warm),
        count_queries(client, url),
        status,
    )


def count_queries(client: Client, url: str) -> int:
    """Return the queries of GET `url` rendered afresh."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(queries)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


# Plans that read a whole table: SQLite says "SCAN <table>" without an index,
# PostgreSQL "Seq Scan on <table>".
FULL_SCAN = re.compile(r"(?:\bSCAN (\w+)\b(?!\s+USING)|Seq Scan on (\w+))")

# Tables small enough, at any scale, that reading them whole is the right plan.
SMALL_TABLES = {"commitments_agreement", "commitments_party", "django_content_type"}


def explain_filters(params_by_name: dict[str, dict[str, str]], now) -> list[tuple[str, str, list[str]]]:
    """Return, for each dashboard filter, its query plan and the tables it reads whole."""
    results = []
    for name, params in params_by_name.items():
        queryset = CommitmentFilter(params, queryset=Commitment.objects.all(), now=now).qs
        plan = queryset.explain()
        scanned = sorted(
            {table for groups in FULL_SCAN.findall(plan) for table in groups if table and table not in SMALL_TABLES}
        )
        results.append((name, plan, scanned))
    return results


def explain_search(query: str) -> tuple[str, str, list[str], float]:
    """Return the search's plan, the tables it reads whole (an FTS5 virtual table read through its
    full-text index is not one), and the time of one page of results."""
    plan = search.explain(query)
    scanned = sorted(
        {
            table
            for line in plan.splitlines()
            if "VIRTUAL TABLE INDEX" not in line
            for groups in FULL_SCAN.findall(line)
            for table in groups
            if table and table not in SMALL_TABLES
        }
    )
    started = time.perf_counter()
    results = search.SearchResults(query)
    results.count()
    results[0:20]
    return f"search: {query}", plan, scanned, time.perf_counter() - started


def time_callable(function: Callable[[], object], repeat: int = 1) -> float:
    """Return the best wall time of `function` in seconds over `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


# --- The jobs ------------------------------------------------------------------------


def add_job_commitments(total: int, just_overdue: int, now):
    """Add `total` open commitments to a new agreement; `just_overdue` of them have a
    deadline whose day ended at the last midnight (UTC) before `now`, the rest end in a
    year. Returns that midnight. Written with one INSERT … SELECT (a million ORM objects
    would take longer than everything measured)."""
    agreement = Agreement.objects.create(
        slug="job-benchmark",
        title="Job benchmark agreement",
        signed_on=dt.date(2020, 1, 1),
        time_zone="UTC",
        entry_into_force=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    provision = Provision.objects.create(agreement=agreement, number="1", position=1, text="Benchmark.")
    ops = connection.ops
    ended_day = now.astimezone(dt.UTC).date() - dt.timedelta(days=1)
    ended = end_of_day(ended_day, dt.UTC)
    later_day = ended_day + dt.timedelta(days=365)
    later = end_of_day(later_day, dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO commitments_commitment (provision_id, code, title, description, category, deadline_kind,"
            " deadline_date, deadline_in_force, deadline_ends_at, current_status, fulfilled_precision)"
            " WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s)"
            " SELECT %s, 'job-' || n, 'Job benchmark commitment ' || n, '', 'other', 'date',"
            " CASE WHEN n <= %s THEN %s ELSE %s END, CASE WHEN n <= %s THEN %s ELSE %s END,"
            " CASE WHEN n <= %s THEN %s ELSE %s END, 'not_started', '' FROM seq",
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
            ],
        )
    return ended


def time_plain_update(since, until) -> tuple[float, int]:
    """Return the time of one SQL UPDATE of the commitments whose deadline ended in (since, until], and their number."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "UPDATE commitments_commitment SET current_status = current_status"
            " WHERE deadline_ends_at > %s AND deadline_ends_at <= %s",
            [connection.ops.adapt_datetimefield_value(since), connection.ops.adapt_datetimefield_value(until)],
        )
        elapsed = time.perf_counter() - started
        updated = cursor.rowcount
    return elapsed, updated


class CountingHandler:
    """An aiosmtpd handler that accepts every message and counts connections and messages."""

    def __init__(self) -> None:
        self.connections = 0
        self.messages = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


def fan_out(count: int, now) -> dict:
    """Queue `count` alerts about one event and send them all to a local SMTP server.

    Returns the elapsed seconds, messages per second and SMTP connections used.
    """
    commitment = Commitment.objects.filter(code="job-1").first() or Commitment.objects.first()
    DeadlineEvent.objects.filter(commitment=commitment, offset_days=99).delete()  # an earlier run's
    event = DeadlineEvent.objects.create(
        commitment=commitment,
        kind=DeadlineEvent.Kind.DUE_SOON,
        deadline=dt.date(2099, 1, 1),
        deadline_ends_at=dt.datetime(2099, 1, 2, tzinfo=dt.UTC),
        occurred_at=now,
        detected_at=now,
        offset_days=99,
        alerts_queued=True,
    )
    # Real subscribers (the synthetic data's): a delivery with no recipient is cancelled, not sent.
    recipients = list(Subscriber.objects.order_by("pk").values_list("pk", "email")[:count])
    AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(event=event, subscriber_id=pk, to_email=email, created_at=now, next_attempt_at=now)
            for pk, email in recipients
        ],
        batch_size=5000,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"):
            started = time.perf_counter()
            sent = 0
            while True:
                connection_ = get_connection(host="127.0.0.1", port=port, timeout=10)
                result = sending.send_pending_alerts(now, connection=connection_)
                sent += result.sent
                if not result.claimed:
                    break
            elapsed = time.perf_counter() - started
    finally:
        controller.stop()
    return {
        "sent": sent,
        "seconds": elapsed,
        "per_second": sent / elapsed if elapsed else 0.0,
        "connections": handler.connections,
        "received": handler.messages,
    }
