"""The flagging job narrows the renewable terms in SQL before computing notice deadlines in Python
(flagging.notice_falls_near); on every day across several years, in zones far from UTC and with
terms starting on the last days of months, it keeps every term whose notice deadline falls near."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from alerts import flagging
from commitments.models import Commitment, end_of_day
from tests.factories import make_agreement, make_commitment, make_provision

pytestmark = pytest.mark.django_db

DAYS_AHEAD = 7


def test_no_term_whose_notice_deadline_is_near_is_left_out():
    starts = [(2020, 1, 31), (2020, 8, 31), (2021, 2, 28), (2019, 12, 1), (2020, 11, 9)]
    zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Moscow"]
    plans = [(60, 6), (12, 3), (24, 11)]
    for number, ((year, month, day), zone, (term, notice)) in enumerate(itertools.product(starts, zones, plans)):
        agreement = make_agreement(
            f"a{number}",
            time_zone=zone,
            signed_on=dt.date(year, month, day) - dt.timedelta(days=1),
            entry_into_force=end_of_day(dt.date(year, month, day) - dt.timedelta(days=1), ZoneInfo(zone)),
        )
        make_commitment(
            make_provision(agreement, "1"),
            code=f"term-{number}",
            deadline=None,
            deadline_kind=Commitment.DeadlineKind.RENEWABLE,
            term_months=term,
            notice_months=notice,
        )
    renewable = Commitment.objects.filter(deadline_kind=Commitment.DeadlineKind.RENEWABLE)
    kept_somewhere, fewest_kept = 0, renewable.count()
    for offset in range(0, 5 * 365, 2):
        now = dt.datetime(2020, 6, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=offset)
        near = set()
        for commitment in renewable.select_related("provision__agreement"):
            notice = commitment.notice_deadline(commitment.agreement.local_today(now))
            ends_at = end_of_day(notice, commitment.agreement.tz)
            if flagging.reminder_offset(ends_at, now, [DAYS_AHEAD]) is not None:
                near.add(commitment.pk)
        kept = set(flagging.notice_falls_near(renewable, now, DAYS_AHEAD).values_list("pk", flat=True))
        assert near <= kept, now
        kept_somewhere += len(near)
        fewest_kept = min(fewest_kept, len(kept))
    assert kept_somewhere > 0  # the days tried do include notice deadlines
    assert fewest_kept < renewable.count() // 2  # and the filter does leave terms out
