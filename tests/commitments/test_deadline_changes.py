"""A deadline change is history: the original stays, lateness counts against the deadline in force."""

import datetime as dt

import pytest

from commitments.models import Commitment, DeadlineChange
from tests.conftest import utc
from tests.factories import PUBLISHED, add_deadline_change, add_status, make_commitment


@pytest.fixture
def kalbajar(db):
    return make_commitment(deadline=dt.date(2020, 11, 15), title="Return of the Kalbajar district")


def extend(commitment, new_deadline, source, azerbaijan):
    return add_deadline_change(
        commitment,
        new_deadline,
        decided_on=dt.date(2020, 11, 15),
        source=source,
        agreed_by=[azerbaijan],
        reason="Extended at Armenia's request.",
    )


def test_an_extension_moves_the_deadline_in_force_and_keeps_the_original(kalbajar, source, azerbaijan):
    change = extend(kalbajar, dt.date(2020, 11, 25), source, azerbaijan)

    assert kalbajar.original_deadline() == dt.date(2020, 11, 15)
    assert kalbajar.deadline_date == dt.date(2020, 11, 15)
    assert kalbajar.deadline_in_force == dt.date(2020, 11, 25)
    assert change.previous_deadline == dt.date(2020, 11, 15)
    assert list(change.agreed_by.all()) == [azerbaijan]


def test_an_extended_commitment_is_not_overdue_before_its_new_deadline(kalbajar, source, azerbaijan):
    extend(kalbajar, dt.date(2020, 11, 25), source, azerbaijan)

    now = utc(2020, 11, 20, 12, 0)
    assert not kalbajar.is_overdue(now)
    assert kalbajar not in Commitment.objects.overdue(now)


def test_fulfilment_on_the_extended_deadline_is_on_time(kalbajar, source, azerbaijan):
    extend(kalbajar, dt.date(2020, 11, 25), source, azerbaijan)
    add_status(
        kalbajar, "fulfilled", dt.date(2020, 11, 25), source, "Handed over on 25 November.", summary="Handed over."
    )

    kalbajar.refresh_from_db()
    assert not kalbajar.is_fulfilled_late()
    assert kalbajar not in Commitment.objects.fulfilled_late()


def test_a_second_change_records_the_previous_deadline_in_force(kalbajar, source, azerbaijan):
    extend(kalbajar, dt.date(2020, 11, 25), source, azerbaijan)
    second = DeadlineChange.objects.create(
        commitment=kalbajar,
        new_deadline=dt.date(2020, 11, 30),
        decided_on=dt.date(2020, 11, 20),
        reason="Again.",
        source=source,
        **PUBLISHED,
    )

    kalbajar.refresh_from_db()
    assert second.previous_deadline == dt.date(2020, 11, 25)
    assert kalbajar.deadline_in_force == dt.date(2020, 11, 30)
    assert kalbajar.deadline_ends_at == utc(2020, 11, 30, 21, 0)


def test_a_change_recorded_after_a_later_one_keeps_the_deadline_in_force_when_it_was_decided(kalbajar, source):
    DeadlineChange.objects.create(
        commitment=kalbajar,
        new_deadline=dt.date(2020, 11, 30),
        decided_on=dt.date(2020, 11, 20),
        reason="Later.",
        source=source,
        **PUBLISHED,
    )
    earlier = DeadlineChange.objects.create(
        commitment=kalbajar,
        new_deadline=dt.date(2020, 11, 25),
        decided_on=dt.date(2020, 11, 15),
        reason="Earlier.",
        source=source,
        **PUBLISHED,
    )

    kalbajar.refresh_from_db()
    assert earlier.previous_deadline == dt.date(2020, 11, 15)
    assert kalbajar.deadline_in_force == dt.date(2020, 11, 30)
