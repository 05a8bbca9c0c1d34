"""The benchmark command runs end to end on tiny data and reports every section (no timing is asserted)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from commitments.seeding import load_agreement_file

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_benchmark_reports_pages_queries_plans_job_and_fan_out(tmp_path):
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
        "--output",
        str(report),
    )

    text = report.read_text()
    for row in (
        "| home |",
        "| list, 4 filters |",
        "| commitment page |",
        "| agreement page |",
        "| API list |",
        "| CSV export, 4 filters |",
        "| Atom feed |",
        "| category |",
    ):
        assert row in text
    assert "| plain SQL UPDATE of the same rows |" in text and "20 |" in text
    assert "Alert fan-out: 10 emails (the SMTP server received 10)" in text
