"""One sender run claims several batches of emails and sends them in parallel, one SMTP connection
each; every row is recorded once, a refusal in one batch does not disturb the others, and a batch
taken over by another sender stops without recording what it no longer holds."""

import datetime as dt
import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from alerts import flagging, sending
from alerts.models import AlertDelivery
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_subscriber

pytestmark = pytest.mark.django_db
NOW = KALBAJAR_ENDS_AT + dt.timedelta(minutes=1)
Status = AlertDelivery.Status


class CountingBackend(EmailBackend):
    """The test outbox, counting connections opened and refusing the addresses in `refuse`."""

    lock = threading.Lock()
    opened = 0
    threads: set[str] = set()
    refuse: set[str] = set()

    def open(self):
        with CountingBackend.lock:
            CountingBackend.opened += 1
            CountingBackend.threads.add(threading.current_thread().name)
        return True

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in CountingBackend.refuse:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"Try later")})
        return super().send_messages(messages)


@pytest.fixture
def eleven_deliveries(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened, CountingBackend.threads, CountingBackend.refuse = 0, set(), set()
    make_commitment()
    for number in range(11):
        make_subscriber(f"reader{number}@example.org")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)


def test_a_run_sends_its_batches_over_one_connection_each_and_records_every_row(eleven_deliveries, mailoutbox):
    result = sending.send_pending_alerts(NOW, batch_size=3, connections=4)

    assert (result.claimed, result.sent) == (11, 11)
    assert CountingBackend.opened == 4
    assert len(CountingBackend.threads) == 4  # each batch in its own thread
    assert sorted(message.to[0] for message in mailoutbox) == sorted(f"reader{n}@example.org" for n in range(11))
    assert set(AlertDelivery.objects.values_list("status", "attempts", "sent_at")) == {(Status.SENT, 1, NOW)}


def test_a_run_claims_no_more_batches_than_its_connections(eleven_deliveries, mailoutbox):
    assert sending.send_pending_alerts(NOW, batch_size=3, connections=2).sent == 6
    assert sending.send_pending_alerts(NOW, batch_size=3, connections=2).sent == 5
    assert len(mailoutbox) == 11


def test_a_refused_message_waits_for_its_retry_while_the_other_batches_are_sent(eleven_deliveries, mailoutbox):
    CountingBackend.refuse = {"reader4@example.org"}
    result = sending.send_pending_alerts(NOW, batch_size=3, connections=4)

    assert (result.sent, result.failed) == (10, 1)
    refused = AlertDelivery.objects.get(to_email="reader4@example.org")
    assert (refused.status, refused.next_attempt_at) == (Status.PENDING, NOW + sending.retry_delay(1))
    assert "Try later" in refused.last_error


def test_the_next_run_is_called_for_while_the_claims_are_full(eleven_deliveries, mailoutbox):
    called = []
    sending.send_pending_alerts(NOW, batch_size=3, connections=2, more_due=lambda: called.append(True))
    assert called == [True]
    sending.send_pending_alerts(NOW, batch_size=3, connections=2, more_due=lambda: called.append(True))
    assert called == [True]  # the second run found 5 of 6 places: nothing more was due


def test_a_batch_taken_over_by_another_sender_records_nothing_it_no_longer_holds(eleven_deliveries, monkeypatch):
    claims = []
    claim = sending.claim_batch

    def claim_then_lose_the_first(*args, **kwargs):
        batch, found = claim(*args, **kwargs)
        claims.append(batch)
        if len(claims) == 1:  # another sender takes the first batch over after an expired claim
            batch.mine.update(claim_token="someone-else")
        return batch, found

    monkeypatch.setattr(sending, "claim_batch", claim_then_lose_the_first)
    result = sending.send_pending_alerts(NOW, batch_size=3, connections=4)

    assert result.sent == 8  # the three of the first batch are the other sender's to record
    assert AlertDelivery.objects.filter(claim_token="someone-else", status=Status.SENDING).count() == 3
    assert len(mail.outbox) <= 11
