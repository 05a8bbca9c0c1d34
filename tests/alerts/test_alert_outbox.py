"""Each event gets one outbox row per recipient, written in the same transaction as the event."""

import datetime as dt

import pytest

from alerts import flagging, subscriptions
from alerts.models import AlertDelivery, DeadlineEvent
from commitments.models import Commitment
from tests.factories import KALBAJAR_ENDS_AT, make_agreement, make_commitment, make_monitor, make_party, make_subscriber

pytestmark = pytest.mark.django_db


def recipients() -> list[str]:
    return sorted(AlertDelivery.objects.values_list("to_email", flat=True))


def test_it_queues_one_delivery_per_confirmed_subscriber_and_opted_in_monitor():
    make_commitment()
    make_subscriber("one@example.org")
    make_subscriber("two@example.org")
    make_monitor("anna")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    assert recipients() == ["anna@tracker.example", "one@example.org", "two@example.org"]
    delivery = AlertDelivery.objects.get(to_email="anna@tracker.example")
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 0, KALBAJAR_ENDS_AT)
    assert delivery.monitor.username == "anna"


def test_subscribers_get_only_what_they_follow():
    armenia = make_party()
    azerbaijan = make_party("azerbaijan", "Republic of Azerbaijan")
    make_commitment(parties=[armenia])
    make_subscriber("everything@example.org")
    make_subscriber("armenia@example.org", parties=[armenia])
    make_subscriber("azerbaijan@example.org", parties=[azerbaijan])
    make_subscriber("this-agreement@example.org", agreements=[make_agreement()])
    make_subscriber("other-agreement@example.org", agreements=[make_agreement("other")])
    make_subscriber("handovers@example.org", categories=[Commitment.Category.TERRITORIAL_HANDOVER])
    make_subscriber("prisoners@example.org", categories=[Commitment.Category.PRISONERS_REMAINS])
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    assert recipients() == [
        "armenia@example.org",
        "everything@example.org",
        "handovers@example.org",
        "this-agreement@example.org",
    ]


def test_monitors_get_alerts_only_for_agreements_they_opted_in_to():
    make_commitment()
    make_monitor("other", agreement=make_agreement("other"))
    make_monitor("former", is_active=False)
    make_monitor("not-staff", is_staff=False)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    assert recipients() == []


def test_a_monitor_who_also_subscribed_gets_one_delivery():
    make_commitment()
    make_monitor("anna")
    make_subscriber("anna@tracker.example")
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    assert recipients() == ["anna@tracker.example"]


def test_an_address_that_did_not_confirm_gets_no_alert(mailoutbox):
    make_commitment()
    subscriptions.request_subscription(
        "unconfirmed@example.org",
        agreements=[],
        parties=[],
        categories=[],
        client="192.0.2.1",
        now=KALBAJAR_ENDS_AT,
    )
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    assert recipients() == []
    assert [message.subject for message in mailoutbox] == ["Confirm your Ceasefire Tracker alerts"]


def test_events_and_their_deliveries_are_written_together_or_not_at_all(monkeypatch):
    make_commitment()
    make_subscriber()

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(flagging, "_insert_deliveries", fail)  # the outbox rows' INSERT … SELECT
    with pytest.raises(RuntimeError):
        flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    assert not DeadlineEvent.objects.exists()
    monkeypatch.undo()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(minutes=5))
    assert recipients() == ["reader@example.org"]
