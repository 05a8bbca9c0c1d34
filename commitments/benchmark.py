"""Measurements for `manage.py benchmark` (see README, "Benchmarks").

Plain functions that each measure one thing against the configured database and
return numbers; the command runs them in order and prints the table. Nothing here
runs in the test suite's timing: tests only check that the functions work on tiny data.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from .filters import CommitmentFilter
from .models import Commitment


def bare_view(request):
    """The baseline: a constant answer through the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


# The benchmark's URLconf: the site plus the bare view (never mounted in production).
urlpatterns = [path("__bench__/bare/", bare_view), path("", include("tracker.urls"))]


@dataclass
class Timing:
    name: str
    url: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int


def time_url(client: Client, name: str, url: str, repeat: int, warmup: int = 3) -> Timing:
    """Return the server time of GET `url` (median and 95th percentile over `repeat` requests)."""
    for _ in range(warmup):
        client.get(url)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(
        name, url, statistics.median(samples), percentile(samples, 95), count_queries(client, url), response.status_code
    )


def count_queries(client: Client, url: str) -> int:
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


def time_callable(function: Callable[[], object], repeat: int = 1) -> float:
    """Return the best wall time of `function` in seconds over `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best
