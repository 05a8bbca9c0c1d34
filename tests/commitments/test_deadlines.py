"""Each kind of deadline, and when a deadline day ends in the agreement's time zone."""

import datetime as dt

from commitments.models import Commitment, end_of_day
from tests.conftest import utc
from tests.factories import make_commitment


def test_a_date_deadline_ends_at_the_end_of_that_day_in_moscow_time(db):
    aghdam = make_commitment(deadline=dt.date(2020, 11, 20))

    # Midnight at the end of 20 Nov in Moscow (UTC+3) is 21:00 UTC.
    assert aghdam.deadline_ends_at == utc(2020, 11, 20, 21, 0)
    assert not aghdam.is_overdue(utc(2020, 11, 20, 20, 59, 59))
    assert aghdam.is_overdue(utc(2020, 11, 20, 21, 0))


def test_a_date_deadline_is_overdue_one_day_later_by_its_days_count(db):
    aghdam = make_commitment(deadline=dt.date(2020, 11, 20))

    assert aghdam.days_overdue(utc(2020, 11, 20, 21, 0)) == 1
    assert aghdam.days_overdue(utc(2020, 11, 23, 12, 0)) == 3


def test_end_of_day_follows_the_agreement_zone_not_the_server(agreement):
    assert end_of_day(dt.date(2020, 11, 20), agreement.tz) == utc(2020, 11, 20, 21, 0)


def test_a_period_deadline_counts_from_the_entry_into_force(db):
    route_plan = make_commitment(deadline_kind="period", period_months=36)

    assert route_plan.original_deadline() == dt.date(2023, 11, 10)
    assert route_plan.deadline_in_force == dt.date(2023, 11, 10)
    assert route_plan.is_overdue(utc(2023, 11, 10, 21, 0))
    assert not route_plan.is_overdue(utc(2023, 11, 10, 20, 59))


def test_an_ongoing_commitment_is_never_overdue(db):
    ceasefire = make_commitment(deadline_kind="ongoing")

    assert ceasefire.deadline_in_force is None
    assert not ceasefire.is_overdue(utc(2030, 1, 1))
    assert not Commitment.objects.overdue(utc(2030, 1, 1)).exists()


def test_a_commitment_without_a_deadline_is_neither_overdue_nor_due_soon(db):
    prisoners = make_commitment(deadline=None)

    assert prisoners.deadline_in_force is None
    assert prisoners.get_deadline_kind_display() == "No deadline set"
    assert not prisoners.is_overdue(utc(2030, 1, 1))
    assert not prisoners.is_due_soon(utc(2020, 11, 10))


def test_a_renewable_mandate_derives_its_expiry_and_notice_deadline(db):
    mandate = make_commitment(deadline_kind="renewable", term_months=60, notice_months=6)

    assert mandate.term_expiry(dt.date(2021, 1, 1)) == dt.date(2025, 11, 10)
    assert mandate.notice_deadline(dt.date(2021, 1, 1)) == dt.date(2025, 5, 10)
    assert not mandate.is_overdue(utc(2026, 1, 1))


def test_a_renewable_mandate_renews_for_another_term_after_expiry(db):
    mandate = make_commitment(deadline_kind="renewable", term_months=60, notice_months=6)

    assert mandate.term_expiry(dt.date(2025, 11, 10)) == dt.date(2025, 11, 10)
    assert mandate.term_expiry(dt.date(2025, 11, 11)) == dt.date(2030, 11, 10)
    assert mandate.notice_deadline(dt.date(2025, 11, 11)) == dt.date(2030, 5, 10)


def test_due_soon_means_the_deadline_ends_within_the_window(db):
    lachin = make_commitment(deadline=dt.date(2020, 12, 1))

    assert lachin.is_due_soon(utc(2020, 11, 20), within=dt.timedelta(days=14))
    assert not lachin.is_due_soon(utc(2020, 11, 1), within=dt.timedelta(days=14))
    assert list(Commitment.objects.due_soon(utc(2020, 11, 20), within=dt.timedelta(days=14))) == [lachin]
