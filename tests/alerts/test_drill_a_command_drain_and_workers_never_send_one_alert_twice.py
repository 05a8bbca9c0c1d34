"""Fault drill: `manage.py send_alerts` drains a long outbox while a Celery worker and beat send
too, with a claim timeout shorter than the drain. Each batch is claimed at the time it starts,
so no sender takes over a batch another is still sending: every alert arrives exactly once.

(Before the fix the command claimed every batch at its start time: batches claimed after the
claim timeout looked expired at once, and the worker sent them again.)
"""

import pytest
from django.core.management import call_command

from alerts import flagging
from tests.alerts.drills import all_sent, emails_expected, emails_received, endpoints, subscribers, webhooks_expected
from tests.factories import KALBAJAR_ENDS_AT, make_commitment
from tests.live_servers import report_drill, wait_for

pytestmark = pytest.mark.services

SHORT = {"ALERTS_CLAIM_TIMEOUT": 1, "ALERTS_BATCH_SIZE": 10, "ALERTS_SEND_INTERVAL": 1, "ALERTS_FLAG_INTERVAL": 3600}


def test_a_command_drain_racing_a_worker_and_beat_sends_each_alert_once(
    celery_processes, smtp, webhook_receiver, settings, drill_results
):
    settings.ALERTS_CLAIM_TIMEOUT, settings.ALERTS_BATCH_SIZE = (
        SHORT["ALERTS_CLAIM_TIMEOUT"],
        SHORT["ALERTS_BATCH_SIZE"],
    )
    settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    make_commitment()
    subscribers(120)
    endpoints(webhook_receiver, 3)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)  # the outbox fills while nothing sends (--no-send)
    # 10 ms a message: the drain takes seconds, its batches a fraction of the 1 s claim timeout.
    smtp.handler.seconds_per_message = 0.01
    celery_processes("worker", "racer", **SHORT)
    celery_processes("beat", "beat", **SHORT)

    call_command("send_alerts")  # the operator's drain, racing the worker that beat keeps waking
    wait_for(all_sent(), "every alert to be sent")

    report_drill("command drain vs worker, emails", emails_expected(), emails_received(smtp), drill_results)
    report_drill("command drain vs worker, webhooks", webhooks_expected(), webhook_receiver.deliveries(), drill_results)
