"""Alert emails carry a Message-ID that stays the same on every attempt, say they were sent by a
program, and never fold Subject or List-Unsubscribe onto an empty first line (checked on the raw
bytes that go over SMTP)."""

import datetime as dt
import email
import email.policy
import smtplib

import pytest

from alerts import emails, flagging, sending
from alerts.models import AlertDelivery
from tests.alerts.test_alert_sender import SpyConnection
from tests.factories import KALBAJAR_ENDS_AT, make_commitment, make_subscriber

pytestmark = pytest.mark.django_db

NOW = KALBAJAR_ENDS_AT + dt.timedelta(minutes=1)
ARMENIAN_TITLE = "Քելբաջարի շրջանի վերադարձ Ադրբեջանի Հանրապետությանը և փախստականների անվտանգ վերադարձ"


def raw_headers(message) -> list[str]:
    """Return the raw header lines of `message` as sent: each folded line on its own."""
    raw = message.message().as_bytes(linesep="\r\n")
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


def header_block(lines: list[str], name: str) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.lower().startswith(name.lower() + ":"))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith((" ", "\t")):
            break
        block.append(line)
    return block


@pytest.fixture
def long_delivery(settings):
    settings.SITE_URL = "https://tracker.example/" + "a-very-long-path-prefix-" * 4
    make_commitment(title=ARMENIAN_TITLE)
    make_subscriber()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    return AlertDelivery.objects.get()


def test_subject_and_list_unsubscribe_never_start_on_an_empty_line(long_delivery):
    lines = raw_headers(emails.build_alert_message(long_delivery))
    subject = header_block(lines, "Subject")
    assert subject[0] != "Subject:" and subject[0].startswith("Subject: =?utf-8?")
    assert len(subject) > 1  # long enough to fold, and folded after a first encoded word
    unsubscribe = header_block(lines, "List-Unsubscribe")
    assert len(unsubscribe) == 1 and unsubscribe[0].startswith("List-Unsubscribe: <https://tracker.example/")
    assert len(unsubscribe[0]) > 78  # a long URL stays on its line (RFC 5322 allows 998)
    parsed = email.message_from_bytes(
        emails.build_alert_message(long_delivery).message().as_bytes(), policy=email.policy.default
    )
    assert parsed["Subject"] == emails.alert_subject(long_delivery.event)
    assert parsed["List-Unsubscribe"].startswith("<https://tracker.example/")


def test_messages_about_different_events_each_carry_their_own_subject(long_delivery):
    """Each subject is encoded once per process and reused: a message never takes another's."""
    make_commitment(title="Return of the Lachin district", code="lachin")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    deliveries = list(AlertDelivery.objects.select_related("event__commitment").order_by("pk"))
    assert len({delivery.event.commitment.title for delivery in deliveries}) == 2

    for delivery in deliveries * 2:  # built twice, alternating, so the second time is from the cache
        raw = emails.build_alert_message(delivery).message().as_bytes(linesep="\r\n")
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["Subject"] == emails.alert_subject(delivery.event)


def test_alerts_say_they_are_automatic_and_bulk(long_delivery):
    lines = raw_headers(emails.build_alert_message(long_delivery))
    assert "Auto-Submitted: auto-generated" in lines
    assert "Precedence: bulk" in lines


def test_the_confirmation_email_is_automatic_but_not_bulk(mailoutbox):
    from alerts import subscriptions

    subscriptions.request_subscription(
        "reader@example.org", agreements=[], parties=[], categories=[], client="192.0.2.1", now=NOW
    )
    lines = raw_headers(mailoutbox[0])
    assert "Auto-Submitted: auto-replied" in lines
    assert not any(line.startswith("Precedence:") for line in lines)


def test_a_retried_alert_keeps_its_message_id(long_delivery, mailoutbox):
    busy = {"reader@example.org": smtplib.SMTPRecipientsRefused({"reader@example.org": (451, b"Mailbox busy")})}
    first_attempt = []

    class Recording(SpyConnection):
        def send_messages(self, messages):
            first_attempt.extend(message.message()["Message-ID"] for message in messages)
            return super().send_messages(messages)

    sending.send_pending_alerts(NOW, connection=Recording(refuse=busy))
    sending.send_pending_alerts(NOW + dt.timedelta(hours=1))
    [message] = mailoutbox
    assert (
        message.message()["Message-ID"]
        == first_attempt[0]
        == f"<alert-{long_delivery.event_id}-{long_delivery.pk}@localhost>"
    )
