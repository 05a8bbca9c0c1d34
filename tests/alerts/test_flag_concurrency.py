"""Two flagging runs at once (two beats by mistake, a retry) record each event and alert once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from alerts import flagging
from alerts.models import AlertDelivery, DeadlineEvent
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_subscriber


@pytest.mark.django_db
def test_a_run_whose_statements_come_after_a_finished_run_records_nothing_twice():
    make_commitment()
    make_subscriber()
    # Run B does the whole job; then run A, which started first, records and queues.
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    zones = flagging.AgreementZones.read()
    assert flagging.record_new_overdue_episodes(KALBAJAR_ENDS_AT, zones) == 0
    assert flagging.queue_alerts(KALBAJAR_ENDS_AT, after_id=0) == (0, 0)
    assert DeadlineEvent.objects.count() == 1
    assert AlertDelivery.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_runs_in_four_threads_at_once_record_each_event_and_delivery_once():
    for number in range(5):
        make_commitment(code=f"commitment-{number}")
    make_subscriber("one@example.org")
    make_subscriber("two@example.org")
    start = threading.Barrier(4)
    errors = []

    def run(offset: int) -> None:
        try:
            start.wait(timeout=10)
            flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(seconds=offset))
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert DeadlineEvent.objects.filter(kind=DeadlineEvent.Kind.WENT_OVERDUE).count() == 5
    assert AlertDelivery.objects.filter(event__kind=DeadlineEvent.Kind.WENT_OVERDUE).count() == 10
    assert not DeadlineEvent.objects.filter(alerts_queued=False).exists()
