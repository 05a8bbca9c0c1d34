"""The flagging job records "went overdue" once per deadline in force, at the moment the day ends."""

import datetime as dt

import pytest
from django.core.management import call_command

from alerts import flagging
from alerts.models import AlertDelivery, DeadlineEvent
from commitments.models import Commitment, Status
from tests.factories import KALBAJAR_ENDS_AT, add_status, make_commitment, make_subscriber

pytestmark = pytest.mark.django_db

Kind = DeadlineEvent.Kind
SECOND = dt.timedelta(seconds=1)


def overdue_events():
    return DeadlineEvent.objects.filter(kind=Kind.WENT_OVERDUE)


def test_it_records_nothing_until_the_deadline_day_ends_in_the_agreements_zone():
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - SECOND)
    assert not overdue_events().exists()


def test_it_records_went_overdue_with_the_moment_and_the_deadline_in_force():
    commitment = make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    event = overdue_events().get()
    assert event.commitment == commitment
    assert event.deadline == dt.date(2020, 11, 25)
    assert event.occurred_at == KALBAJAR_ENDS_AT
    assert event.detected_at == KALBAJAR_ENDS_AT
    assert event.days_overdue == 1


def test_it_records_how_many_days_overdue_when_first_noticed_late():
    make_commitment()
    flagging.flag_deadline_events(dt.datetime(2020, 11, 28, 12, 0, tzinfo=dt.UTC))
    event = overdue_events().get()
    assert event.days_overdue == 3
    assert event.occurred_at == KALBAJAR_ENDS_AT


def test_a_second_run_records_nothing_new():
    make_commitment()
    make_subscriber()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    again = flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(hours=5))
    assert again.events == 0
    assert overdue_events().count() == 1
    assert AlertDelivery.objects.filter(event__kind=Kind.WENT_OVERDUE).count() == 1


def test_a_commitment_fulfilled_in_time_never_goes_overdue():
    commitment = make_commitment()
    add_status(commitment, Status.FULFILLED, dt.date(2020, 11, 24))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(days=2))
    assert not overdue_events().exists()


def test_a_commitment_without_a_deadline_never_goes_overdue():
    make_commitment(deadline=None, deadline_kind=Commitment.DeadlineKind.ONGOING)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + dt.timedelta(days=400))
    assert not DeadlineEvent.objects.exists()


def test_the_flag_overdue_command_records_events_and_sends_their_alerts(mailoutbox):
    make_commitment()
    make_subscriber()
    call_command("flag_overdue", now=KALBAJAR_ENDS_AT + dt.timedelta(days=2, hours=1))
    assert overdue_events().count() == 1
    assert [message.subject for message in mailoutbox] == [
        "[Overdue] Return of the Kalbajar district — 3 days past 25 Nov 2020"
    ]
    assert AlertDelivery.objects.get().status == AlertDelivery.Status.SENT


def test_the_command_with_no_alerts_records_events_without_queueing_mail(mailoutbox):
    make_commitment()
    make_subscriber()
    call_command("flag_overdue", "--no-alerts", now=KALBAJAR_ENDS_AT)
    assert overdue_events().get().alerts_queued is True
    assert not AlertDelivery.objects.exists()
    assert mailoutbox == []


def test_the_command_with_no_send_leaves_alerts_in_the_outbox(mailoutbox):
    make_commitment()
    make_subscriber()
    call_command("flag_overdue", "--no-send", now=KALBAJAR_ENDS_AT)
    assert AlertDelivery.objects.get().status == AlertDelivery.Status.PENDING
    assert mailoutbox == []
