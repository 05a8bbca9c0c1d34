"""The sender claims outbox rows, sends a batch over one connection, records each result and retries."""

import datetime as dt
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend

from alerts import flagging, sending, subscriptions
from alerts.models import AlertDelivery
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_subscriber

pytestmark = pytest.mark.django_db

NOW = KALBAJAR_ENDS_AT + dt.timedelta(minutes=1)
Status = AlertDelivery.Status


class SpyConnection(EmailBackend):
    """The test mail backend, counting connections and refusing the addresses it is told to."""

    def __init__(self, refuse: dict[str, Exception] | None = None, refuse_connection: Exception | None = None):
        super().__init__(fail_silently=False)
        self.opened = 0
        self.refuse = refuse or {}
        self.refuse_connection = refuse_connection

    def open(self):
        if self.refuse_connection:
            raise self.refuse_connection
        self.opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in self.refuse:
                raise self.refuse[message.to[0]]
        return super().send_messages(messages)


@pytest.fixture
def three_deliveries():
    make_commitment()
    for name in ["a", "b", "c"]:
        make_subscriber(f"{name}@example.org")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)


def statuses() -> dict[str, tuple]:
    return {d.to_email: (d.status, d.attempts) for d in AlertDelivery.objects.all()}


def test_it_sends_a_batch_over_one_connection_and_records_each_message(three_deliveries, mailoutbox):
    connection = SpyConnection()
    result = sending.send_pending_alerts(NOW, connection=connection)
    assert (result.claimed, result.sent, connection.opened) == (3, 3, 1)
    assert sorted(message.to[0] for message in mailoutbox) == ["a@example.org", "b@example.org", "c@example.org"]
    assert set(statuses().values()) == {(Status.SENT, 1)}
    assert set(AlertDelivery.objects.values_list("sent_at", flat=True)) == {NOW}


def test_a_second_run_sends_nothing_again(three_deliveries, mailoutbox):
    sending.send_pending_alerts(NOW)
    assert sending.send_pending_alerts(NOW + dt.timedelta(hours=1)).claimed == 0
    assert len(mailoutbox) == 3


def test_the_batch_size_limits_one_run(three_deliveries, mailoutbox):
    assert sending.send_pending_alerts(NOW, batch_size=2, connections=1).sent == 2
    assert sending.send_pending_alerts(NOW, batch_size=2, connections=1).sent == 1
    assert len(mailoutbox) == 3


def test_a_failed_message_waits_for_its_backoff_and_keeps_the_error(three_deliveries, mailoutbox):
    refused = smtplib.SMTPRecipientsRefused({"b@example.org": (451, b"Mailbox busy, try later")})
    result = sending.send_pending_alerts(NOW, connection=SpyConnection(refuse={"b@example.org": refused}))
    assert (result.sent, result.failed) == (2, 1)
    failed = AlertDelivery.objects.get(to_email="b@example.org")
    assert (failed.status, failed.attempts) == (Status.PENDING, 1)
    assert failed.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert "Mailbox busy" in failed.last_error
    assert sending.send_pending_alerts(NOW + dt.timedelta(seconds=59)).claimed == 0
    assert sending.send_pending_alerts(NOW + dt.timedelta(seconds=60)).sent == 1
    assert statuses()["b@example.org"] == (Status.SENT, 2)
    assert len(mailoutbox) == 3


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.ALERTS_RETRY_DELAY, settings.ALERTS_RETRY_MAX_DELAY = 60, 600
    assert [sending.retry_delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_it_gives_up_after_the_attempt_limit_and_keeps_the_error(three_deliveries, settings):
    settings.ALERTS_MAX_ATTEMPTS = 2
    busy = {"c@example.org": smtplib.SMTPRecipientsRefused({"c@example.org": (451, b"Mailbox busy")})}
    sending.send_pending_alerts(NOW, connection=SpyConnection(refuse=busy))
    sending.send_pending_alerts(NOW + dt.timedelta(hours=1), connection=SpyConnection(refuse=busy))
    given_up = AlertDelivery.objects.get(to_email="c@example.org")
    assert (given_up.status, given_up.attempts) == (Status.FAILED, 2)
    assert "Mailbox busy" in given_up.last_error
    assert sending.send_pending_alerts(NOW + dt.timedelta(days=1)).claimed == 0


def test_a_permanent_refusal_is_not_retried(three_deliveries):
    unknown = {"a@example.org": smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")})}
    sending.send_pending_alerts(NOW, connection=SpyConnection(refuse=unknown))
    assert statuses()["a@example.org"] == (Status.FAILED, 1)


def test_when_the_mail_server_refuses_connections_every_row_waits(three_deliveries, mailoutbox):
    refused = SpyConnection(refuse_connection=ConnectionRefusedError(111, "Connection refused"))
    result = sending.send_pending_alerts(NOW, connection=refused)
    assert (result.claimed, result.sent, result.failed) == (3, 0, 3)
    assert set(statuses().values()) == {(Status.PENDING, 1)}
    assert "Connection refused" in AlertDelivery.objects.first().last_error
    assert sending.send_pending_alerts(NOW + dt.timedelta(minutes=1)).sent == 3
    assert len(mailoutbox) == 3


def test_rows_another_sender_holds_are_not_sent_until_its_claim_expires(three_deliveries, mailoutbox, settings):
    # A sender claimed the rows and was killed before it sent anything.
    AlertDelivery.objects.update(status=Status.SENDING, claimed_at=NOW, claim_token="killed", attempts=1)
    assert sending.send_pending_alerts(NOW + dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT - 1)).claimed == 0
    assert sending.send_pending_alerts(NOW + dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT)).sent == 3
    assert set(statuses().values()) == {(Status.SENT, 2)}
    assert len(mailoutbox) == 3


def test_a_second_sender_running_during_a_batch_claims_nothing_of_it(three_deliveries, mailoutbox):
    second_runs = []

    class SecondSenderMidBatch(SpyConnection):
        def send_messages(self, messages):
            if not second_runs:
                second_runs.append(sending.send_pending_alerts(NOW))
            return super().send_messages(messages)

    assert sending.send_pending_alerts(NOW, connection=SecondSenderMidBatch()).sent == 3
    assert second_runs[0].claimed == 0
    assert len(mailoutbox) == 3


def test_pending_alerts_to_an_unsubscribed_address_are_not_sent(three_deliveries, mailoutbox):
    subscriber = AlertDelivery.objects.get(to_email="a@example.org").subscriber
    subscriptions.unsubscribe("subscriber", subscriber.pk, now=NOW)
    sending.send_pending_alerts(NOW)
    assert statuses()["a@example.org"] == (Status.CANCELLED, 0)
    assert sorted(message.to[0] for message in mailoutbox) == ["b@example.org", "c@example.org"]


def test_a_row_left_behind_by_a_deleted_recipient_is_cancelled_at_send_time(three_deliveries, mailoutbox):
    AlertDelivery.objects.filter(to_email="a@example.org").update(subscriber=None)
    result = sending.send_pending_alerts(NOW)
    assert (result.sent, result.cancelled) == (2, 1)
    assert statuses()["a@example.org"] == (Status.CANCELLED, 1)
