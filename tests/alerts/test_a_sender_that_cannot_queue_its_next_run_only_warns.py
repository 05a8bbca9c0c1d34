"""During a Redis outage, a send_alerts run that sent and recorded its batch but cannot queue its
next run logs a warning, not an error: the next beat tick picks the rest up."""

import logging

import pytest

from alerts import flagging, tasks
from alerts.models import AlertDelivery
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_subscriber

pytestmark = pytest.mark.services


def test_a_sender_that_cannot_queue_its_next_run_logs_a_warning_and_succeeds(
    redis, transactional_db, caplog, mailoutbox
):
    make_commitment()
    make_subscriber()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    redis.stop()
    with caplog.at_level(logging.INFO):
        result = tasks.send_alerts.apply(kwargs={"now": KALBAJAR_ENDS_AT.isoformat()})
    assert result.successful(), result.traceback
    assert AlertDelivery.objects.get().status == AlertDelivery.Status.SENT
    assert len(mailoutbox) == 1
    warnings = [r for r in caplog.records if "Could not queue send_alerts" in r.getMessage()]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
