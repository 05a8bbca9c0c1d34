"""Fault drill: a prefork worker is SIGKILLed (parent and children) while it waits on the third
webhook of its batch. The two before are recorded as sent; the rest stay claimed until the claim
expires, when a restarted worker takes them over. The held request was never processed by the
receiver, so each endpoint ends with each alert exactly once.
"""

import datetime as dt

import pytest
from django.utils import timezone

from alerts import flagging, tasks
from alerts.models import AlertDelivery
from tests.alerts.drills import all_sent, endpoints, webhooks_expected
from tests.factories import KALBAJAR_ENDS_AT, make_commitment
from tests.live_servers import report_drill, wait_for

pytestmark = pytest.mark.services

Status = AlertDelivery.Status
SHORT = {"ALERTS_BATCH_SIZE": 8, "ALERTS_CLAIM_TIMEOUT": 60, "ALERTS_WEBHOOK_TIMEOUT": 30}


def test_a_worker_killed_mid_webhook_batch_leaves_nothing_lost_or_doubled(
    celery_processes, webhook_receiver, drill_results
):
    for number in range(4):
        make_commitment(code=f"commitment-{number}")
    endpoints(webhook_receiver, 2)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    webhook_receiver.hold_request_number = 3
    doomed = celery_processes("worker", "doomed", **SHORT)

    tasks.send_alerts.delay()
    wait_for(webhook_receiver.holding.is_set, "the worker to be in the middle of its webhook batch")
    doomed.kill()
    webhook_receiver.release.set()  # the receiver answers 503 to a dead sender: not processed
    assert AlertDelivery.objects.filter(status=Status.SENT).count() == 2
    assert AlertDelivery.objects.filter(status=Status.SENDING).count() == 6

    celery_processes("worker", "restarted", **SHORT)
    # The next run once the dead worker's claim has expired (a replayed time, not a wait).
    claim_expired = timezone.now() + dt.timedelta(seconds=SHORT["ALERTS_CLAIM_TIMEOUT"])
    tasks.send_alerts.delay(now=claim_expired.isoformat())
    wait_for(all_sent(), "the restarted worker to send the rest")

    assert webhook_receiver.unverified == 0
    report_drill("worker SIGKILL mid webhook batch", webhooks_expected(), webhook_receiver.deliveries(), drill_results)
