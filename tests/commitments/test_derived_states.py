"""Current status, overdue, fulfilled late and disputed are derived from stored facts,
and the one-row method and the QuerySet method always agree."""

import datetime as dt

import pytest

from commitments.models import Commitment, StatusUpdate
from tests.conftest import utc
from tests.factories import add_claim, add_status, make_commitment


def test_a_commitment_nobody_assessed_is_not_yet_assessed(db):
    commitment = make_commitment(deadline=None)

    assert commitment.current_status == "not_assessed"


def test_the_current_status_is_the_latest_assessment_by_date(source):
    commitment = make_commitment(deadline=None)
    add_status(commitment, "intermediate", dt.date(2020, 12, 14), source)
    add_status(commitment, "not_started", dt.date(2020, 12, 7), source)  # recorded later, about an earlier day

    assert commitment.current_status == "intermediate"


def test_a_correction_replaces_the_entry_it_corrects_which_stays_on_record(source):
    commitment = make_commitment(deadline=None)
    mistaken = add_status(commitment, "fulfilled", dt.date(2020, 12, 14), source)
    add_status(commitment, "intermediate", dt.date(2020, 12, 10), source, corrects=mistaken)

    assert commitment.current_status == "intermediate"
    assert StatusUpdate.objects.filter(pk=mistaken.pk).exists()
    assert commitment.fulfilled_at is None  # the corrected "fulfilled" no longer counts


def test_a_commitment_fulfilled_after_its_deadline_is_fulfilled_late_by_days(source):
    aghdam = make_commitment(deadline=dt.date(2020, 11, 20))
    add_status(aghdam, "fulfilled", dt.date(2020, 11, 23), source)

    assert aghdam.is_fulfilled_late()
    assert aghdam.days_late() == 3
    assert not aghdam.is_overdue(utc(2021, 1, 1))


def test_a_commitment_fulfilled_on_its_deadline_day_is_on_time(source):
    aghdam = make_commitment(deadline=dt.date(2020, 11, 20))
    add_status(aghdam, "fulfilled", dt.date(2020, 11, 20), source)

    assert not aghdam.is_fulfilled_late()
    assert aghdam.days_late() is None


def test_a_violated_commitment_past_its_deadline_stays_overdue(source):
    commitment = make_commitment(deadline=dt.date(2020, 11, 20))
    add_status(commitment, "violated", dt.date(2020, 11, 25), source)

    assert commitment.is_overdue(utc(2020, 12, 1))


def test_an_ended_commitment_is_not_overdue(source):
    commitment = make_commitment(deadline=dt.date(2020, 11, 20))
    add_status(commitment, "ended", dt.date(2020, 11, 25), source)

    assert not commitment.is_overdue(utc(2020, 12, 1))


def test_opposite_claims_on_the_same_day_make_a_commitment_disputed(source, russia, armenia):
    prisoners = make_commitment(deadline=None)
    add_claim(prisoners, russia, stated_on=dt.date(2020, 12, 7), position="under_way", source=source)
    assert not prisoners.has_conflicting_claims()

    add_claim(prisoners, armenia, stated_on=dt.date(2020, 12, 7), position="not_started", source=source)
    assert prisoners.has_conflicting_claims()
    assert list(Commitment.objects.disputed()) == [prisoners]


def test_a_claim_that_the_text_means_something_else_disputes_it_alone(source, azerbaijan):
    centre = make_commitment(deadline=None)
    add_claim(centre, azerbaijan, stated_on=dt.date(2020, 11, 10), position="reinterprets", source=source)

    assert centre.has_conflicting_claims()
    assert list(Commitment.objects.disputed()) == [centre]


def test_claims_a_year_apart_describe_a_change_not_a_dispute(source, russia, armenia):
    corridor = make_commitment(deadline_kind="ongoing")
    add_claim(corridor, russia, stated_on=dt.date(2021, 12, 1), position="kept", source=source)
    add_claim(corridor, armenia, stated_on=dt.date(2022, 12, 13), position="broken", source=source)

    assert not corridor.has_conflicting_claims()
    assert not Commitment.objects.disputed().exists()


def test_a_corrected_claim_no_longer_counts_towards_a_dispute(source, russia):
    prisoners = make_commitment(deadline=None)
    wrong = add_claim(prisoners, russia, stated_on=dt.date(2020, 12, 7), position="not_started", source=source)
    add_claim(prisoners, russia, stated_on=dt.date(2020, 12, 7), position="under_way", source=source)
    add_claim(
        prisoners,
        russia,
        "Official",
        dt.date(2020, 12, 7),
        "under_way",
        source,
        "q",
        summary="Corrected",
        corrects=wrong,
    )

    assert not prisoners.has_conflicting_claims()
    assert not Commitment.objects.disputed().exists()


SCENARIOS = [
    # (deadline kind, fields, assessments [(status, as_of)], claims [(position, day offset)])
    ("date", {"deadline": dt.date(2020, 11, 20)}, [], []),
    ("date", {"deadline": dt.date(2020, 11, 20)}, [("fulfilled", dt.date(2020, 11, 20))], []),
    ("date", {"deadline": dt.date(2020, 11, 20)}, [("fulfilled", dt.date(2020, 11, 24))], [("kept", 0)]),
    (
        "date",
        {"deadline": dt.date(2020, 12, 1)},
        [("minimal", dt.date(2020, 11, 25))],
        [("kept", 0), ("broken", 10)],
    ),
    ("date", {"deadline": dt.date(2021, 6, 1)}, [("violated", dt.date(2020, 12, 1))], []),
    ("period", {"period_months": 36}, [("ended", dt.date(2023, 9, 30))], [("reinterprets", 0)]),
    ("period", {"period_months": 1}, [], [("under_way", 0), ("not_started", 40)]),
    ("ongoing", {}, [("violated", dt.date(2022, 12, 12))], []),
    ("renewable", {"term_months": 60, "notice_months": 6}, [], []),
    (
        "none",
        {},
        [("not_started", dt.date(2020, 12, 7)), ("intermediate", dt.date(2020, 12, 14))],
        [("under_way", 0), ("not_started", 0)],
    ),
]

MOMENTS = [utc(2020, 11, 15), utc(2020, 11, 20, 21), utc(2020, 12, 5), utc(2021, 6, 1, 21), utc(2024, 1, 1)]


@pytest.mark.parametrize("now", MOMENTS)
def test_the_row_methods_and_the_queryset_methods_agree(source, russia, now):
    for kind, fields, assessments, claims in SCENARIOS:
        commitment = make_commitment(deadline_kind=kind, **fields)
        for status, as_of in assessments:
            add_status(commitment, status, as_of, source)
        for position, offset in claims:
            add_claim(
                commitment,
                russia,
                stated_on=dt.date(2020, 12, 1) + dt.timedelta(days=offset),
                position=position,
                source=source,
            )

    commitments = list(Commitment.objects.select_related("provision__agreement").prefetch_related("claims"))
    assert {c.pk for c in commitments if c.is_overdue(now)} == set(
        Commitment.objects.overdue(now).values_list("pk", flat=True)
    )
    assert {c.pk for c in commitments if not c.is_overdue(now)} == set(
        Commitment.objects.not_overdue(now).values_list("pk", flat=True)
    )
    assert {c.pk for c in commitments if c.is_due_soon(now)} == set(
        Commitment.objects.due_soon(now).values_list("pk", flat=True)
    )
    assert {c.pk for c in commitments if c.is_fulfilled_late()} == set(
        Commitment.objects.fulfilled_late().values_list("pk", flat=True)
    )
    assert {c.pk for c in commitments if c.has_conflicting_claims()} == set(
        Commitment.objects.disputed().values_list("pk", flat=True)
    )
    assert {c.pk for c in commitments if c.has_conflicting_claims()} == set(
        Commitment.objects.computed_disputed().values_list("pk", flat=True)
    )
    stored = dict(Commitment.objects.values_list("pk", "is_disputed"))
    assert stored == {c.pk: c.has_conflicting_claims() for c in commitments}
    # The scenarios exercise both answers of every rule at least at one moment.
    assert any(c.has_conflicting_claims() for c in commitments) and not all(
        c.has_conflicting_claims() for c in commitments
    )


def test_a_commitment_fulfilled_then_violated_is_overdue_and_not_fulfilled_late(source):
    commitment = make_commitment(deadline=dt.date(2020, 11, 20))
    add_status(commitment, "fulfilled", dt.date(2020, 11, 25), source)
    add_status(commitment, "violated", dt.date(2020, 12, 10), source)

    assert commitment.is_overdue(utc(2021, 1, 1))
    assert not commitment.is_fulfilled_late()
