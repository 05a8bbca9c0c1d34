"""Operations: a health endpoint, and one structured log line per request."""

import json
import logging

from tracker.logging import JsonFormatter


def test_health_reports_each_dependency_and_fails_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error: ConnectionError")


def test_each_request_is_logged_once_as_structured_fields(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        response = client.get("/admin/login/")

    records = [record for record in caplog.records if record.name == "tracker.request"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert (line["method"], line["path"], line["status"]) == ("GET", "/admin/login/", response.status_code)
    assert isinstance(line["duration_ms"], float)


def test_a_flagging_run_is_logged_with_its_counts_and_reported_by_health(client, db, caplog):
    from django.core.management import call_command

    with caplog.at_level(logging.INFO, logger="alerts.jobs"):
        call_command("flag_overdue", "--no-send")

    line = json.loads(JsonFormatter().format(next(r for r in caplog.records if getattr(r, "job", None))))
    assert (line["job"], line["flagged"], line["queued"]) == ("flag_deadline_events", 0, 0)
    beat = client.get("/healthz").json()["last_beat_run"]
    assert beat["stale"] is False and beat["counts"] == {"flagged": 0, "queued": 0}


def test_health_says_the_beat_is_stale_when_no_run_is_recorded(client, db):
    assert client.get("/healthz").json()["last_beat_run"]["stale"] is True
