"""Fault drill: a webhook receiver answers 500 to the first attempt of every delivery, does not
answer the second at all (the sender times out), and accepts the third. Each delivery keeps its
webhook-id across attempts, every attempt is signed afresh and verifies, nothing is disabled,
and each endpoint gets each alert exactly once.
"""

import pytest

from alerts import flagging
from alerts.models import WebhookEndpoint
from tests.alerts.drills import all_sent, emails_expected, emails_received, endpoints, subscribers, webhooks_expected
from tests.factories import KALBAJAR_ENDS_AT, make_commitment
from tests.live_servers import report_drill, wait_for

pytestmark = pytest.mark.services

SHORT = {
    "ALERTS_RETRY_DELAY": 1,
    "ALERTS_RETRY_MAX_DELAY": 2,
    "ALERTS_MAX_ATTEMPTS": 6,
    "ALERTS_WEBHOOK_TIMEOUT": 1,
    "ALERTS_WEBHOOK_DISABLE_AFTER": 100,
    "ALERTS_SEND_INTERVAL": 1,
    "ALERTS_FLAG_INTERVAL": 3600,
}


def test_a_receiver_that_fails_then_times_out_then_recovers_gets_each_alert_once(
    celery_processes, smtp, webhook_receiver, drill_results
):
    for number in range(3):
        make_commitment(code=f"commitment-{number}")
    subscribers(2)
    endpoints(webhook_receiver, 2)
    webhook_receiver.script = ["500", "timeout", "ok"]
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    celery_processes("worker", "sender", **SHORT)
    celery_processes("beat", "beat", **SHORT)

    wait_for(all_sent(), "every alert to be sent after the receiver recovered", timeout=90)

    expected = webhooks_expected()
    assert len(expected) == 6  # 3 events x 2 endpoints
    assert webhook_receiver.unverified == 0
    for _path, webhook_id in expected:
        attempts = webhook_receiver.attempt_headers[webhook_id]
        assert [headers["webhook-id"] for headers in attempts] == [webhook_id] * 3
    assert list(WebhookEndpoint.objects.values_list("is_active", "consecutive_failures")) == [(True, 0)] * 2
    report_drill("receiver 500, timeout, recovers: webhooks", expected, webhook_receiver.deliveries(), drill_results)
    report_drill("receiver 500, timeout, recovers: emails", emails_expected(), emails_received(smtp), drill_results)
