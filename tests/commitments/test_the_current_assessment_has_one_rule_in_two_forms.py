"""The current assessment is one rule in two forms: StatusUpdateQuerySet.current() in SQL, and
current_update() over updates in memory (refresh_status, bulk writes). They always agree."""

import datetime as dt

import pytest

from commitments.models import Commitment, StatusUpdate, current_update, standing
from tests.factories import add_status, make_commitment

pytestmark = pytest.mark.django_db

# Each history: (status, as of, index of the update it corrects or None), in recording order.
HISTORIES = [
    [],
    [("minimal", dt.date(2020, 12, 7), None)],
    [("intermediate", dt.date(2020, 12, 14), None), ("not_started", dt.date(2020, 12, 7), None)],
    [("fulfilled", dt.date(2020, 12, 14), None), ("intermediate", dt.date(2020, 12, 10), 0)],
    [("minimal", dt.date(2020, 12, 7), None), ("violated", dt.date(2020, 12, 7), None)],  # same day: later wins
    [
        ("fulfilled", dt.date(2020, 11, 25), None),
        ("violated", dt.date(2020, 12, 10), None),
        ("fulfilled", dt.date(2020, 12, 20), 1),
    ],
]


@pytest.mark.parametrize("history", HISTORIES)
def test_the_sql_and_the_in_memory_forms_pick_the_same_current_assessment(history):
    commitment = make_commitment(deadline=None)
    recorded = []
    for status, as_of, corrects in history:
        recorded.append(
            add_status(
                commitment, status, as_of, summary=status, corrects=recorded[corrects] if corrects is not None else None
            )
        )

    in_sql = commitment.status_updates.current().first()
    in_memory = current_update(standing(StatusUpdate.objects.filter(commitment=commitment).with_is_evidenced()))

    assert in_memory == in_sql
    commitment.refresh_from_db()
    assert commitment.current_status == (in_sql.status if in_sql else "not_assessed")


def test_refreshing_from_updates_in_memory_stores_what_refreshing_from_the_database_stores():
    commitment = make_commitment(deadline=dt.date(2020, 11, 20))
    first = add_status(commitment, "fulfilled", dt.date(2020, 11, 23))
    add_status(commitment, "fulfilled", dt.date(2020, 11, 28))
    add_status(commitment, "minimal", dt.date(2020, 11, 21), corrects=first)
    from_database = Commitment.objects.get(pk=commitment.pk)

    in_memory = Commitment.objects.get(pk=commitment.pk)
    in_memory.refresh_status(list(StatusUpdate.objects.filter(commitment=commitment).with_is_evidenced()), save=False)

    assert (in_memory.current_status, in_memory.fulfilled_at) == (
        from_database.current_status,
        from_database.fulfilled_at,
    )
    assert from_database.fulfilled_on() == dt.date(2020, 11, 28)  # the corrected 23 Nov entry no longer counts
