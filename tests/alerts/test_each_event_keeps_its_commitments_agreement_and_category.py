"""Each deadline event keeps a copy of its commitment's agreement and category (what the alerts'
recipients are matched on): the flagging job writes them with every kind of event it records, in
SQL and in Python, and an event saved one by one takes them from its commitment."""

import datetime as dt

import pytest

from alerts import flagging
from alerts.models import DeadlineEvent
from commitments.models import Commitment, Status
from tests.factories import KALBAJAR_ENDS_AT, add_status, make_agreement, make_commitment, make_provision

pytestmark = pytest.mark.django_db

Kind = DeadlineEvent.Kind
DAY = dt.timedelta(days=1)


def copies() -> set[tuple[str, bool]]:
    """(kind, whether the event's copies equal its commitment's agreement and category), per event."""
    return {
        (event.kind, (event.agreement_id, event.category) == (event.commitment.agreement.pk, event.commitment.category))
        for event in DeadlineEvent.objects.select_related("commitment__provision")
    }


def test_every_kind_of_event_the_job_records_keeps_its_commitments_agreement_and_category():
    kalbajar = make_commitment(category=Commitment.Category.TERRITORIAL_HANDOVER)
    make_commitment(
        make_provision(make_agreement("moscow-2021", title="Moscow statement"), "4"),
        code="peacekeeping-mandate",
        category=Commitment.Category.PEACEKEEPING_MANDATE,
        deadline=None,
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        term_months=60,
        notice_months=6,
    )
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - DAY)  # due soon
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + DAY)  # went overdue
    add_status(kalbajar, Status.FULFILLED, dt.date(2020, 11, 27))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + 3 * DAY)  # fulfilled late: closes the episode
    flagging.flag_deadline_events(dt.datetime(2025, 5, 10, 12, tzinfo=dt.UTC))  # the mandate's notice

    assert copies() == {
        (Kind.DUE_SOON, True),
        (Kind.WENT_OVERDUE, True),
        (Kind.FULFILLED_LATE, True),
        (Kind.NOTICE_DUE_SOON, True),
    }


def test_an_event_saved_one_by_one_takes_them_from_its_commitment():
    commitment = make_commitment(category=Commitment.Category.WITHDRAWAL)

    event = DeadlineEvent.objects.create(
        commitment=commitment,
        kind=Kind.DUE_SOON,
        deadline=dt.date(2020, 11, 25),
        deadline_ends_at=KALBAJAR_ENDS_AT,
        occurred_at=KALBAJAR_ENDS_AT,
        detected_at=KALBAJAR_ENDS_AT,
        offset_days=7,
    )

    event.refresh_from_db()
    assert (event.agreement_id, event.category) == (commitment.agreement.pk, Commitment.Category.WITHDRAWAL)
