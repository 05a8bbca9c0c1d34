"""A deadline relative to an event ("within one month after the working group's first meeting"):
until the event is recorded with its date and a source, there is no date to be overdue on, and the
commitment is neither overdue, due soon, nor hidden; once recorded, the deadline is derived with the
end-of-day rule in the agreement's zone, and follows a corrected date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from commitments.models import AgreementEvent, Commitment
from tests.factories import add_status, make_event, make_relative_commitment, make_source

pytestmark = pytest.mark.django_db
LATER = dt.datetime(2021, 6, 1, tzinfo=dt.UTC)


def test_before_the_event_it_is_pending_neither_overdue_nor_due_soon_nor_hidden(client):
    event = make_event()
    commitment = make_relative_commitment(event)

    assert commitment.deadline_in_force is None and commitment.deadline_ends_at is None
    assert commitment.pending_event() == event
    assert not commitment.is_overdue(LATER) and not commitment.is_due_soon(LATER)
    assert commitment not in Commitment.objects.overdue(LATER) and commitment not in Commitment.objects.due_soon(LATER)
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "due one month after: the working group&#x27;s first meeting — not yet held" in page
    listed = client.get(commitment.agreement.get_absolute_url()).content.decode()
    assert escape(commitment.title) in listed and "not yet held" in listed


def test_once_the_event_is_recorded_the_deadline_is_derived_in_the_agreements_zone():
    event = make_event()
    commitment = make_relative_commitment(event)

    event.occurred_on = dt.date(2021, 1, 30)
    event.source = make_source("Massis Post", "First meeting", dt.date(2021, 1, 30))
    event.save()
    commitment.refresh_from_db()

    assert commitment.deadline_in_force == dt.date(2021, 2, 28)  # one month, clamped to February's end
    assert commitment.deadline_ends_at == dt.datetime(2021, 2, 28, 21, 0, tzinfo=dt.UTC)  # midnight, Moscow
    assert commitment.pending_event() is None
    assert commitment.is_overdue(LATER) and commitment in Commitment.objects.overdue(LATER)


def test_a_corrected_event_date_moves_the_derived_deadline():
    event = make_event(occurred_on=dt.date(2021, 1, 30))
    commitment = make_relative_commitment(event, months=None, days=10)
    assert commitment.deadline_in_force == dt.date(2021, 2, 9)

    event.occurred_on = dt.date(2021, 1, 29)
    event.save()
    commitment.refresh_from_db()

    assert commitment.deadline_in_force == dt.date(2021, 2, 8)


def test_fulfilment_is_measured_against_the_derived_deadline():
    event = make_event(occurred_on=dt.date(2021, 1, 30))
    commitment = make_relative_commitment(event)

    add_status(commitment, "fulfilled", dt.date(2021, 2, 28))

    assert commitment.is_fulfilled_on_time() and not commitment.is_fulfilled_late()


def test_an_event_needs_its_source_and_a_source_cannot_report_it_before_it_happened():
    event = make_event(code="y")
    with pytest.raises(ValidationError, match="Name the source"):
        AgreementEvent(agreement=event.agreement, code="x", name="x", occurred_on=dt.date(2021, 1, 30)).save()
    event.occurred_on = dt.date(2021, 1, 30)
    event.source = make_source("Early", "Too early", dt.date(2021, 1, 20))
    with pytest.raises(ValidationError, match="before the event"):
        event.save()


def test_a_deadline_counting_from_an_event_names_the_event_and_one_period():
    event = make_event()
    commitment = make_relative_commitment(event)

    commitment.deadline_event = None
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "deadline_event" in error.value.message_dict
    commitment.deadline_event, commitment.period_days = event, 30
    with pytest.raises(ValidationError, match="months or in days"):
        commitment.full_clean()
