"""Alerts against real servers that these tests start on loopback: Redis, a Celery worker
process and an SMTP server (aiosmtpd). Each test and drill ends with exactly one delivery
per recipient and none lost.

The worker is another process, so it shares this run's database through a file: SQLite's
test database is var/test-db.sqlite3 (see tests/settings.py), and these tests use
`transactional_db` so the worker sees committed rows. With DATABASE_URL the worker gets
the test database's URL. Time is passed to the tasks explicitly (`now=`): no test waits
for time to pass.
"""

import datetime as dt
from collections import Counter

import pytest
from kombu.exceptions import OperationalError

from alerts import flagging, sending, subscriptions, tasks
from alerts.models import AlertDelivery, DeadlineEvent
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_monitor, make_subscriber
from tests.live_servers import SMTPServer, wait_for

pytestmark = pytest.mark.services

T = KALBAJAR_ENDS_AT + dt.timedelta(hours=1)
Status = AlertDelivery.Status


def subscribers(count: int) -> list[str]:
    return [make_subscriber(f"reader{number}@example.org").email for number in range(count)]


def all_sent(count: int):
    return lambda: AlertDelivery.objects.filter(status=Status.SENT).count() >= count


def assert_exactly_one_each(smtp: SMTPServer, addresses: list[str]) -> None:
    assert smtp.handler.recipients() == Counter({address: 1 for address in addresses})
    assert AlertDelivery.objects.exclude(status=Status.SENT).count() == 0
    # Nothing is left for any sender to send, now or after every claim has expired.
    later = T + dt.timedelta(days=1)
    assert AlertDelivery.objects.ready_to_send(later, dt.timedelta(seconds=1)).count() == 0


def test_a_commitment_passes_its_deadline_and_each_confirmed_subscriber_gets_one_email(start_worker, smtp):
    make_commitment()
    addresses = subscribers(3)
    make_monitor("anna")
    subscriptions.request_subscription(  # asked but never confirmed: gets no alert
        "unconfirmed@example.org", agreements=[], parties=[], categories=[], client="192.0.2.1", now=T
    )
    start_worker()

    tasks.flag_deadline_events.delay(now=(KALBAJAR_ENDS_AT - dt.timedelta(days=10)).isoformat())  # nothing yet
    tasks.flag_deadline_events.delay(now=T.isoformat())
    tasks.flag_deadline_events.delay(now=(T + dt.timedelta(minutes=5)).isoformat())  # the next beat
    wait_for(all_sent(4), "four alerts to be sent")

    assert DeadlineEvent.objects.filter(kind=DeadlineEvent.Kind.WENT_OVERDUE).count() == 1
    assert_exactly_one_each(smtp, [*addresses, "anna@tracker.example"])
    message = next(m for m in smtp.handler.messages if m["To"] == "reader0@example.org")
    assert message["Subject"].strip() == "[Overdue] Return of the Kalbajar district — 1 day past 25 Nov 2020"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [part.get_content_type() for part in message.walk()][1:] == ["text/plain", "text/html"]


def test_drill_the_worker_is_killed_mid_batch_then_restarted(start_worker, smtp, settings):
    make_commitment()
    addresses = subscribers(5)
    flagging.flag_deadline_events(T)
    smtp.handler.hold_message_number = 3  # the worker will be killed while it waits on message 3
    worker = start_worker("doomed")

    tasks.send_alerts.delay(now=T.isoformat())
    wait_for(smtp.handler.holding.is_set, "the worker to be in the middle of its batch")
    worker.kill()
    smtp.handler.release.set()  # the server answers "try later" to a dead client: not delivered
    assert AlertDelivery.objects.filter(status=Status.SENT).count() == 2
    assert AlertDelivery.objects.filter(status=Status.SENDING).count() == 3

    start_worker("restarted")
    # Once the dead worker's claim has expired, a sender takes its rows over.
    after_claim_expired = T + dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT)
    tasks.send_alerts.delay(now=after_claim_expired.isoformat())
    wait_for(all_sent(5), "the restarted worker to send the rest")
    assert_exactly_one_each(smtp, addresses)


def test_drill_the_smtp_server_refuses_connections_then_comes_back(start_worker, smtp):
    make_commitment()
    addresses = subscribers(3)
    flagging.flag_deadline_events(T)
    start_worker()
    smtp.stop()

    tasks.send_alerts.delay(now=T.isoformat())
    wait_for(
        lambda: AlertDelivery.objects.filter(status=Status.PENDING, attempts=1).exclude(last_error="").count() == 3,
        "the refused attempt to be recorded",
    )
    assert "Connection refused" in AlertDelivery.objects.first().last_error

    smtp.start()
    tasks.send_alerts.delay(now=(T + sending.retry_delay(1)).isoformat())
    wait_for(all_sent(3), "the retried alerts to be sent")
    assert_exactly_one_each(smtp, addresses)


def test_drill_redis_is_stopped_and_restarted_between_runs(start_worker, smtp, redis):
    first = make_commitment(code="first")
    addresses = subscribers(2)
    start_worker()
    tasks.flag_deadline_events.delay(now=T.isoformat())
    wait_for(all_sent(2), "the first run's alerts")

    redis.stop()
    # The second run finds a new overdue commitment while Redis is down: its alerts are
    # stored, and handing the sender a task fails (within seconds) without losing them.
    second = make_commitment(code="second", deadline=dt.date(2020, 11, 26))
    later = T + dt.timedelta(days=1)
    assert flagging.flag_deadline_events(later, reminder_days=[]).deliveries == 2
    with pytest.raises(OperationalError):
        tasks.send_alerts.delay(now=later.isoformat())
    assert AlertDelivery.objects.filter(event__commitment=second, status=Status.PENDING).count() == 2

    redis.start()
    tasks.send_alerts.delay(now=later.isoformat())  # the next beat; the worker has reconnected
    wait_for(all_sent(4), "the waiting alerts to be sent after Redis came back")
    assert smtp.handler.recipients() == Counter({address: 2 for address in addresses})
    for commitment in (first, second):
        assert AlertDelivery.objects.filter(event__commitment=commitment, status=Status.SENT).count() == 2


def test_drill_two_runs_of_the_job_overlap(start_worker, smtp):
    for number in range(4):
        make_commitment(code=f"commitment-{number}")
    addresses = subscribers(3)
    start_worker("one")
    start_worker("two")

    for _ in range(4):  # two workers take two runs each, at the same time
        tasks.flag_deadline_events.delay(now=T.isoformat())
    wait_for(all_sent(12), "twelve alerts (4 commitments x 3 readers)")

    assert DeadlineEvent.objects.filter(kind=DeadlineEvent.Kind.WENT_OVERDUE).count() == 4
    assert smtp.handler.recipients() == Counter({address: 4 for address in addresses})
    assert AlertDelivery.objects.count() == 12
    assert sorted(Counter(message["X-Tracker-Delivery"] for message in smtp.handler.messages).values()) == [1] * 12
