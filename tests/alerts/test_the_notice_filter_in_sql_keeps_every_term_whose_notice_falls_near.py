"""The flagging job narrows the renewable terms in SQL before computing notice deadlines in Python
(flagging.notice_falls_near). In zones far from UTC, with terms starting on the first and last days
of months, at the start of the local day or late in it (when UTC is already in the next month), it
keeps every term whose notice deadline falls near: on every other day across several years, and at
the first and the last moment of each notice's reminder window."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from alerts import flagging
from commitments.models import Commitment, end_of_day
from tests.factories import make_agreement, make_commitment, make_provision

pytestmark = pytest.mark.django_db

DAYS_AHEAD = 7


def make_terms():
    """Renewable terms of several lengths whose local start is the first or last day of a month
    (or another day), in zones 14 hours ahead of UTC and 11 behind, and in Moscow."""
    starts = [(2020, 1, 31), (2020, 8, 31), (2021, 2, 28), (2021, 3, 1), (2019, 12, 1), (2020, 11, 9)]
    zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Moscow"]
    plans = [(60, 6), (12, 3), (24, 11)]
    # In force at the start of the local day, or half an hour before it (the day before, locally).
    earlier = [dt.timedelta(0), dt.timedelta(minutes=30)]
    for number, ((year, month, day), zone, (term, notice), before) in enumerate(
        itertools.product(starts, zones, plans, earlier)
    ):
        agreement = make_agreement(
            f"a{number}",
            time_zone=zone,
            signed_on=dt.date(year, month, day) - dt.timedelta(days=2),
            entry_into_force=end_of_day(dt.date(year, month, day) - dt.timedelta(days=1), ZoneInfo(zone)) - before,
        )
        make_commitment(
            make_provision(agreement, "1"),
            code=f"term-{number}",
            deadline=None,
            deadline_kind=Commitment.DeadlineKind.RENEWABLE,
            term_months=term,
            notice_months=notice,
        )
    return Commitment.objects.filter(deadline_kind=Commitment.DeadlineKind.RENEWABLE).select_related(
        "provision__agreement"
    )


def test_no_term_whose_notice_deadline_is_near_is_left_out():
    renewable = make_terms()
    kept_somewhere, fewest_kept = 0, renewable.count()
    for offset in range(0, 5 * 365, 2):
        now = dt.datetime(2020, 6, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=offset)
        near = set()
        for commitment in renewable:
            notice = commitment.notice_deadline(commitment.agreement.local_today(now))
            ends_at = end_of_day(notice, commitment.agreement.tz)
            if flagging.reminder_offset(ends_at, now, [DAYS_AHEAD]) is not None:
                near.add(commitment.pk)
        kept = set(flagging.notice_falls_near(renewable, now, DAYS_AHEAD).values_list("pk", flat=True))
        assert near <= kept, now
        kept_somewhere += len(near)
        fewest_kept = min(fewest_kept, len(kept))
    assert kept_somewhere > 0  # the days tried do include notice deadlines
    assert fewest_kept < renewable.count() // 10  # and the filter leaves most terms out


def test_each_term_is_kept_from_the_first_to_the_last_moment_of_its_reminder_window():
    renewable = make_terms()
    checked = 0
    for commitment in renewable:
        tz = commitment.agreement.tz
        for term in commitment.terms(dt.date(2026, 1, 1)):
            ends_at = end_of_day(term.notice_by, tz)
            # The first instant the reminder is due, and the last.
            for now in (ends_at - dt.timedelta(days=DAYS_AHEAD), ends_at - dt.timedelta(microseconds=1)):
                # The reminder is due then (the rule the filter must not narrow).
                assert commitment.notice_deadline(commitment.agreement.local_today(now)) == term.notice_by
                assert flagging.reminder_offset(ends_at, now, [DAYS_AHEAD]) == DAYS_AHEAD
                kept = flagging.notice_falls_near(renewable.filter(pk=commitment.pk), now, DAYS_AHEAD)
                assert kept.exists(), (commitment.agreement.entry_into_force, commitment.term_months, now)
                checked += 1
    assert checked > 500
