"""Fault drill: the SMTP server is down for longer than the retry budget, so every alert gives up
(counted in /healthz, one JSON log line each). Once it is back, one command requeues everything
that gave up since the outage began and delivers it exactly once, while beat and a worker keep
running beside it.
"""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts import flagging
from alerts.models import AlertDelivery
from tests.alerts.drills import all_sent, emails_expected, emails_received, subscribers
from tests.factories import KALBAJAR_ENDS_AT, make_commitment
from tests.live_servers import report_drill, wait_for

pytestmark = pytest.mark.services

SHORT = {
    "ALERTS_MAX_ATTEMPTS": 2,
    "ALERTS_RETRY_DELAY": 1,
    "ALERTS_SEND_INTERVAL": 1,
    "ALERTS_FLAG_INTERVAL": 3600,
    "EMAIL_TIMEOUT": 2,
}


def test_after_an_outage_longer_than_the_retry_budget_one_command_delivers_everything_once(
    celery_processes, smtp, client, settings, drill_results
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    make_commitment()
    subscribers(40)
    outage_began = timezone.now()
    smtp.stop()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    worker = celery_processes("worker", "sender", **SHORT)
    celery_processes("beat", "beat", **SHORT)

    wait_for(lambda: AlertDelivery.objects.gave_up().count() == 40, "every alert to give up")
    assert client.get("/healthz").json()["alerts"] == {"gave_up": 40, "waiting": 0}
    give_ups = [json.loads(line) for line in worker.log_text().splitlines() if '"alert_gave_up"' in line]
    assert sorted(line["delivery_id"] for line in give_ups) == sorted(
        AlertDelivery.objects.values_list("pk", flat=True)
    )

    smtp.start()  # back; beat's runs find nothing due: everything gave up
    call_command("requeue_alerts", since=outage_began, send=True)
    wait_for(all_sent(), "the requeued alerts to be sent")

    assert client.get("/healthz").json()["alerts"] == {"gave_up": 0, "waiting": 0}
    report_drill(
        "SMTP outage past the retry budget, then requeue", emails_expected(), emails_received(smtp), drill_results
    )
