"""An overdue commitment that is fulfilled, ended or given a new deadline is recorded once as such."""

import datetime as dt

import pytest

from alerts import flagging
from alerts.models import DeadlineEvent
from commitments.models import Status
from tests.factories import KALBAJAR_ENDS_AT, add_deadline_change, add_status, make_commitment

pytestmark = pytest.mark.django_db

Kind = DeadlineEvent.Kind
DAY = dt.timedelta(days=1)


@pytest.fixture
def overdue_commitment():
    commitment = make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    return commitment


def test_it_records_fulfilled_late_with_the_days_late(overdue_commitment):
    add_status(overdue_commitment, Status.FULFILLED, dt.date(2020, 11, 27))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + 3 * DAY)
    event = DeadlineEvent.objects.get(kind=Kind.FULFILLED_LATE)
    assert event.closes == DeadlineEvent.objects.get(kind=Kind.WENT_OVERDUE)
    assert event.deadline == dt.date(2020, 11, 25)
    assert event.days_late == overdue_commitment.days_late() == 2  # deadline 25 Nov, fulfilled 27 Nov
    assert event.occurred_at == overdue_commitment.fulfilled_at


def test_it_records_no_longer_overdue_when_the_deadline_is_extended(overdue_commitment):
    add_deadline_change(overdue_commitment, dt.date(2020, 12, 1), decided_on=dt.date(2020, 11, 26))
    now = KALBAJAR_ENDS_AT + DAY
    flagging.flag_deadline_events(now)
    event = DeadlineEvent.objects.get(kind=Kind.EXTENDED)
    assert event.deadline == dt.date(2020, 11, 25)
    assert event.new_deadline == dt.date(2020, 12, 1)
    assert event.occurred_at == now
    assert not overdue_commitment.is_overdue(now)


def test_an_extension_to_a_day_that_has_also_passed_opens_a_new_episode(overdue_commitment):
    add_deadline_change(overdue_commitment, dt.date(2020, 11, 26), decided_on=dt.date(2020, 11, 26))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + 3 * DAY)
    assert DeadlineEvent.objects.filter(kind=Kind.EXTENDED).count() == 1
    assert sorted(DeadlineEvent.objects.filter(kind=Kind.WENT_OVERDUE).values_list("deadline", flat=True)) == [
        dt.date(2020, 11, 25),
        dt.date(2020, 11, 26),
    ]


def test_it_records_ended_when_an_overdue_commitment_ends(overdue_commitment):
    add_status(overdue_commitment, Status.ENDED, dt.date(2020, 11, 30))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + 5 * DAY)
    assert DeadlineEvent.objects.get(kind=Kind.ENDED).closes.kind == Kind.WENT_OVERDUE


def test_each_end_of_an_episode_is_recorded_once(overdue_commitment):
    add_status(overdue_commitment, Status.FULFILLED, dt.date(2020, 11, 27))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + 3 * DAY)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + 4 * DAY)
    assert DeadlineEvent.objects.filter(kind=Kind.FULFILLED_LATE).count() == 1


def test_a_commitment_still_overdue_stays_open(overdue_commitment):
    add_status(overdue_commitment, Status.MINIMAL, dt.date(2020, 11, 27))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + 3 * DAY)
    assert list(DeadlineEvent.objects.values_list("kind", flat=True)) == [Kind.WENT_OVERDUE]
