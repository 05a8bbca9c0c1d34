"""Fault drill: Redis is stopped and started again in the middle of a fan-out (a prefork worker
is inside a batch, follow-up runs are queued), and nobody touches the worker or beat. Both are
still running afterwards, and they finish the fan-out: each recipient and endpoint gets the
alert exactly once.

Redis here keeps nothing across the restart (no persistence), the harshest case: the queued
follow-up runs are lost with it, and beat's next tick starts the sender again. Without the
consumer in tracker/celery.py, Celery 5.7.0's worker exits on this with "Unrecoverable error:
AttributeError("'NoneType' object has no attribute 'hostname'")".
"""

import pytest

from alerts import flagging
from tests.alerts.drills import all_sent, emails_expected, emails_received, endpoints, subscribers, webhooks_expected
from tests.factories import KALBAJAR_ENDS_AT, make_commitment
from tests.live_servers import report_drill, wait_for

pytestmark = pytest.mark.services

SHORT = {
    "ALERTS_BATCH_SIZE": 20,
    "ALERTS_RETRY_DELAY": 1,
    "ALERTS_SEND_INTERVAL": 1,
    "ALERTS_FLAG_INTERVAL": 3600,
}


def test_redis_restarted_mid_fan_out_leaves_worker_and_beat_running_and_every_alert_sent_once(
    celery_processes, redis, smtp, webhook_receiver, drill_results
):
    make_commitment()
    subscribers(150)
    endpoints(webhook_receiver, 2)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    smtp.handler.hold_message_number = 50  # in the third batch
    worker = celery_processes("worker", "left-alone", **SHORT)
    beat = celery_processes("beat", "beat", **SHORT)

    wait_for(smtp.handler.holding.is_set, "the fan-out to be under way")
    redis.stop()
    # While a task is still running (unacknowledged): the case that crashed Celery 5.7.0.
    wait_for(lambda: "Connection to broker lost" in worker.log_text(), "the worker to notice Redis is gone")
    redis.start()
    smtp.handler.release.set()  # the held message is refused ("try later") and retried

    def finished() -> bool:
        assert worker.is_running(), f"the worker exited:\n{worker.log_tail()}"
        assert beat.is_running(), f"beat exited:\n{beat.log_tail()}"
        return all_sent()()

    wait_for(finished, "the fan-out to finish with nobody touching the worker", timeout=90)
    assert "Unrecoverable error" not in worker.log_text()

    report_drill("Redis restart mid fan-out, emails", emails_expected(), emails_received(smtp), drill_results)
    report_drill(
        "Redis restart mid fan-out, webhooks", webhooks_expected(), webhook_receiver.deliveries(), drill_results
    )
