""" "Due soon" reminders go out at the offsets in settings, once per deadline in force."""

import datetime as dt

import pytest

from alerts import flagging
from alerts.models import DeadlineEvent
from commitments.models import Commitment
from tests.factories import KALBAJAR_ENDS_AT, add_deadline_change, make_agreement, make_commitment, make_provision

pytestmark = pytest.mark.django_db

Kind = DeadlineEvent.Kind
DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


def reminders(kind=Kind.DUE_SOON):
    return list(DeadlineEvent.objects.filter(kind=kind).order_by("id").values_list("deadline", "offset_days"))


def test_it_records_nothing_more_than_seven_days_ahead():
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - 7 * DAY - SECOND)
    assert reminders() == []


def test_it_records_the_seven_day_then_the_one_day_reminder_once_each():
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - 7 * DAY)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - 3 * DAY)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - DAY)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - SECOND)
    assert reminders() == [(dt.date(2020, 11, 25), 7), (dt.date(2020, 11, 25), 1)]


def test_a_deadline_first_seen_within_a_day_gets_only_the_one_day_reminder():
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - dt.timedelta(hours=5))
    assert reminders() == [(dt.date(2020, 11, 25), 1)]


def test_a_new_deadline_in_force_gets_its_own_reminders():
    commitment = make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - DAY)
    add_deadline_change(commitment, dt.date(2020, 11, 30), decided_on=dt.date(2020, 11, 25))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    assert reminders() == [(dt.date(2020, 11, 25), 1), (dt.date(2020, 11, 30), 7)]


def test_the_offsets_come_from_settings(settings):
    settings.ALERTS_REMINDER_DAYS = [3]
    make_commitment()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - 5 * DAY)
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - 2 * DAY)
    assert reminders() == [(dt.date(2020, 11, 25), 3)]


def test_a_renewable_term_gets_reminders_before_its_notice_deadline():
    # Five-year term from 10 Nov 2020 (Moscow), notice six months before: due by 10 May 2025.
    make_commitment(
        make_provision(make_agreement(), "4"),
        code="peacekeeping-mandate",
        title="Russian peacekeeping mandate",
        category=Commitment.Category.PEACEKEEPING_MANDATE,
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        term_months=60,
        notice_months=6,
    )
    notice_ends_at = dt.datetime(2025, 5, 10, 21, 0, tzinfo=dt.UTC)
    flagging.flag_deadline_events(notice_ends_at - 6 * DAY)
    flagging.flag_deadline_events(notice_ends_at - 5 * DAY)
    flagging.flag_deadline_events(notice_ends_at - dt.timedelta(hours=2))
    flagging.flag_deadline_events(notice_ends_at + DAY)
    assert reminders(Kind.NOTICE_DUE_SOON) == [(dt.date(2025, 5, 10), 7), (dt.date(2025, 5, 10), 1)]
    assert reminders(Kind.DUE_SOON) == []
    assert not DeadlineEvent.objects.filter(kind=Kind.WENT_OVERDUE).exists()
