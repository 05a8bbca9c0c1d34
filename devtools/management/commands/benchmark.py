"""Measure the tracker at the seed's size and at full scale, and print a Markdown report.

Run through `make bench`, which prepares a fresh SQLite database and a fresh
PostgreSQL server and runs this command on each (README, "Benchmarks").
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from alerts import flagging
from alerts.models import Subscriber
from commitments.models import Agreement, Commitment
from devtools import benchmark
from devtools.synthetic import Scale, make_synthetic_data

LIST_FILTERS = "?category=territorial_handover&status=not_started&overdue=yes&sort=-deadline"
# A word every synthetic assessment quotes, as a name would be: the search's worst case.
SEARCH_QUERY = "Assessment"

FILTERS = {
    "agreement": {"agreement": "synthetic-agreement-7"},
    "responsible party": {"party": "synthetic-party-7"},
    "category": {"category": "territorial_handover"},
    "status": {"status": "not_started"},
    "overdue": {"overdue": "yes"},
    "disputed": {"disputed": "yes"},
    "deadline range": {"deadline_from": "2021-01-01", "deadline_to": "2021-06-30"},
    "free text": {"q": "ceasefire"},
}


def optional_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class Command(BaseCommand):
    help = "Benchmark pages, queries, plans and load at seed size and full scale; print a Markdown report."

    def add_arguments(self, parser) -> None:
        defaults = Scale()
        parser.add_argument("--commitments", type=int, default=defaults.commitments)
        parser.add_argument("--status-updates", type=int, default=defaults.status_updates)
        parser.add_argument("--agreements", type=int, default=defaults.agreements)
        parser.add_argument("--sources", type=int, default=defaults.sources)
        parser.add_argument("--subscribers", type=int, default=defaults.subscribers)
        parser.add_argument("--repeat", type=int, default=60, help="requests per page for the timings")
        parser.add_argument("--load-seconds", type=int, default=15, help="duration of each wrk load run (0 skips)")
        parser.add_argument(
            "--job-commitments", type=int, default=1_000_000, help="commitments for the overdue job (0 skips)"
        )
        parser.add_argument("--job-overdue", type=int, default=10_000, help="how many of them just went overdue")
        parser.add_argument(
            "--fan-out", type=int, default=10_000, help="alerts to send to a local SMTP server (0 skips)"
        )
        parser.add_argument("--output", help="also write the report to this file")

    def handle(self, *args, **options) -> None:
        if not Agreement.objects.filter(slug="karabakh-2020").exists():
            raise CommandError("Load the seed first: manage.py load_agreement seeds/karabakh-2020.yaml")
        if Agreement.objects.filter(slug__startswith="synthetic-").exists():
            raise CommandError("Run on a database holding only the seed (make bench makes a fresh one).")
        self.lines: list[str] = []
        vendor = connection.vendor
        self.say(
            f"## {vendor} — {dt.date.today():%d %b %Y}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        self.say("")

        with override_settings(ROOT_URLCONF="devtools.bench_urls", ALLOWED_HOSTS=["*"], DEBUG=False):
            client = Client()
            seed_pages = self.pages(
                Commitment.objects.get(code="prisoner-exchange"), Agreement.objects.get(slug="karabakh-2020")
            )
            seed_queries = {name: benchmark.count_queries(client, url) for name, url in seed_pages.items()}

            scale = Scale(
                agreements=options["agreements"],
                commitments=options["commitments"],
                status_updates=options["status_updates"],
                sources=options["sources"],
                subscribers=options["subscribers"],
            )
            started = time.perf_counter()
            counts = make_synthetic_data(scale)
            self.stderr.write(f"synthetic data: {counts} in {time.perf_counter() - started:.0f} s")
            if vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")

            # Every synthetic commitment has status_updates / commitments assessments.
            commitment = Commitment.objects.filter(code="c7").order_by("pk").first()
            full_pages = self.pages(commitment, Agreement.objects.get(slug="synthetic-agreement-7"))
            timings = [benchmark.time_url(client, name, url, options["repeat"]) for name, url in full_pages.items()]

        bare = next(t for t in timings if t.name == "bare view")
        self.say(
            f"Data: {counts['commitments']:,} synthetic commitments in {counts['agreements']} agreements, "
            f"{counts['status updates']:,} status updates with evidence, on top of the seed. "
            f"{options['repeat']} requests per page, server time through the full middleware stack: rendered "
            "afresh (the page cache emptied before each request) and served from the page cache."
        )
        self.say("")
        self.say(
            "| page | median ms | p95 ms | median ÷ bare view | from cache: median ms | ÷ bare view "
            "| queries at seed size | queries at full scale |"
        )
        self.say("|---|---:|---:|---:|---:|---:|---:|---:|")
        for timing in timings:
            self.say(
                f"| {timing.name} | {timing.median_ms:.1f} | {timing.p95_ms:.1f} | "
                f"{timing.median_ms / bare.median_ms:.1f} | {timing.warm_median_ms:.1f} | "
                f"{timing.warm_median_ms / bare.median_ms:.1f} | {seed_queries[timing.name]} | {timing.queries} |"
            )
        self.say("")
        self.report_plans()
        if options["load_seconds"]:
            self.report_load(options["load_seconds"])
        if options["job_commitments"]:
            self.report_overdue_job(options["job_commitments"], options["job_overdue"])
        if options["fan_out"]:
            self.report_fan_out(options["fan_out"])

        if options["output"]:
            Path(options["output"]).write_text("\n".join(self.lines) + "\n", encoding="utf-8")

    def say(self, line: str) -> None:
        self.lines.append(line)
        self.stdout.write(line)

    def pages(self, commitment: Commitment, agreement: Agreement) -> dict[str, str]:
        pages = {
            "bare view": "/__bench__/bare/",
            "home": reverse("dashboard:home"),
            "list, 4 filters": reverse("dashboard:commitment_list") + LIST_FILTERS,
            "commitment page": commitment.get_absolute_url(),
            "agreement page": agreement.get_absolute_url(),
        }
        party = commitment.responsible_parties.order_by("pk").first()
        if party is not None:
            pages["party page"] = party.get_absolute_url()
        pages["search, a name"] = reverse("dashboard:search") + "?q=" + SEARCH_QUERY
        extra = {
            "API list": optional_url("api:commitment-list"),
            "CSV export, 4 filters": optional_url("opendata:commitment_list_csv"),
            "Atom feed": optional_url("opendata:feed"),
        }
        if extra["CSV export, 4 filters"]:
            extra["CSV export, 4 filters"] += LIST_FILTERS
        pages.update({name: url for name, url in extra.items() if url})
        return pages

    def report_plans(self) -> None:
        self.say("Query plans of the dashboard filters and the search (full plans in the log):")
        self.say("")
        self.say("| filter | tables read whole |")
        self.say("|---|---|")
        for name, plan, scanned in benchmark.explain_filters(FILTERS, timezone.now()):
            self.stderr.write(f"--- plan: {name}\n{plan}\n")
            self.say(f"| {name} | {', '.join(scanned) or 'none'} |")
        name, plan, scanned, seconds = benchmark.explain_search(SEARCH_QUERY)
        self.stderr.write(f"--- plan: {name}\n{plan}\n")
        self.say(f"| {name} ({seconds * 1000:.1f} ms for a page of results) | {', '.join(scanned) or 'none'} |")
        self.say("")

    def report_load(self, seconds: int) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            self.say("Load test skipped: wrk is not installed (apt-get install wrk).")
            return
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        env.setdefault("SECRET_KEY", "benchmark-only")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--config", "python:tracker.gunicorn"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self.wait_for_port(port)
            script = Path(tempfile.mkdtemp()) / "p95.lua"
            script.write_text(
                "done = function(s, latency, r)\n"
                '  io.write(string.format("P95 %.3f\\nERRORS %d\\n", latency:percentile(95) / 1000,'
                " s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout + s.errors.status))\n"
                "end\n"
            )
            self.say(
                f"Load: wrk, 2 threads, 50 connections, {seconds} s per page, "
                "gunicorn with 2 workers × 2 threads on loopback:"
            )
            self.say("")
            self.say("| page | requests/s | p95 ms | errors |")
            self.say("|---|---:|---:|---:|")
            for name, path in [("home", "/"), ("list, 4 filters", "/commitments/" + LIST_FILTERS)]:
                result = subprocess.run(
                    [wrk, "-t2", "-c50", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
                    capture_output=True,
                    text=True,
                    timeout=seconds + 60,
                )
                output = result.stdout
                rps = float(next(line.split()[1] for line in output.splitlines() if line.startswith("Requests/sec")))
                p95 = float(next(line.split()[1] for line in output.splitlines() if line.startswith("P95")))
                errors = int(next(line.split()[1] for line in output.splitlines() if line.startswith("ERRORS")))
                self.say(f"| {name} | {rps:.0f} | {p95:.1f} | {errors} |")
            self.say("")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    def report_overdue_job(self, total: int, just_overdue: int) -> None:
        now = timezone.now()
        # Record what the synthetic data already has overdue, so the measured run finds only the new ones.
        flagging.flag_deadline_events(now - dt.timedelta(hours=1), notify=False)
        started = time.perf_counter()
        ended = benchmark.add_job_commitments(total, just_overdue, now)
        self.stderr.write(f"job data: {total:,} commitments in {time.perf_counter() - started:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        started = time.perf_counter()
        result = flagging.flag_deadline_events(now)
        job_seconds = time.perf_counter() - started
        update_seconds, updated = benchmark.time_plain_update(ended - dt.timedelta(seconds=1), ended)
        self.say(
            f"Overdue job: {Commitment.objects.count():,} commitments, {just_overdue:,} of them just went overdue; "
            f"{Subscriber.objects.count():,} confirmed subscribers to match (none follows these commitments)."
        )
        self.say("")
        self.say("| | seconds | rows |")
        self.say("|---|---:|---:|")
        job = "flag_deadline_events: detect, record events, match recipients"
        self.say(f"| {job} | {job_seconds:.2f} | {result.events:,} |")
        self.say(f"| plain SQL UPDATE of the same rows | {update_seconds:.2f} | {updated:,} |")
        self.say(f"| ratio | {job_seconds / update_seconds:.1f} | |")
        self.say("")

    def report_fan_out(self, count: int) -> None:
        result = benchmark.fan_out(count, timezone.now())
        self.say(
            f"Alert fan-out: {result['sent']:,} emails (the SMTP server received {result['received']:,}) in "
            f"{result['seconds']:.1f} s, {result['per_second']:.0f} messages/s, over {result['connections']} SMTP "
            f"connections (batches of {settings.ALERTS_BATCH_SIZE})."
        )
        self.say("")

    def wait_for_port(self, port: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)  # polling a server that is starting, not waiting for time to pass
        raise CommandError(f"gunicorn did not start on port {port}")
