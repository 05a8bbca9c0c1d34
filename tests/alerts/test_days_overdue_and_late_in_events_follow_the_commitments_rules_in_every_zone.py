"""The flagging job writes its events with SQL; the days overdue and days late it stores equal
Commitment.days_overdue(now) and Commitment.days_late(), the one-row rules, in agreements that
count in zones far ahead of and behind UTC, at instants where the local date differs from UTC's."""

import datetime as dt

import pytest

from alerts import flagging
from alerts.models import DeadlineEvent
from commitments.models import Commitment, Status
from tests.factories import add_status, make_agreement, make_commitment, make_provision

pytestmark = pytest.mark.django_db

ZONES = ["Pacific/Kiritimati", "Europe/Moscow", "UTC", "America/Bogota", "Pacific/Pago_Pago"]


@pytest.mark.parametrize("hour", [1, 12, 23])
def test_stored_days_equal_the_commitments_own_rules(hour):
    for zone in ZONES:
        agreement = make_agreement(f"in-{zone.lower().replace('/', '-')}", time_zone=zone)
        provision = make_provision(agreement, "1")
        for deadline in (dt.date(2021, 3, 1), dt.date(2021, 3, 10)):
            make_commitment(provision, code=f"due-{deadline:%d}", deadline=deadline)
    first_run = dt.datetime(2021, 3, 12, hour, tzinfo=dt.UTC)
    flagging.flag_deadline_events(first_run)

    opened = DeadlineEvent.objects.filter(kind=DeadlineEvent.Kind.WENT_OVERDUE).select_related(
        "commitment__provision__agreement"
    )
    assert opened.count() == 2 * len(ZONES)
    for event in opened:
        assert event.days_overdue == event.commitment.days_overdue(first_run), event.commitment.agreement.time_zone

    for commitment in Commitment.objects.filter(code="due-01"):
        add_status(commitment, Status.FULFILLED, dt.date(2021, 3, 11))
    second_run = first_run + dt.timedelta(days=3)
    flagging.flag_deadline_events(second_run)

    closed = DeadlineEvent.objects.filter(kind=DeadlineEvent.Kind.FULFILLED_LATE).select_related(
        "commitment__provision__agreement"
    )
    assert closed.count() == len(ZONES)
    for event in closed:
        assert event.days_late == event.commitment.days_late() == 10
        assert event.occurred_at == event.commitment.fulfilled_at
