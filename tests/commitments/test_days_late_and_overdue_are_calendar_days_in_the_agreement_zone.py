"""Days late and days overdue count calendar days in the agreement's time zone, not 24-hour
spans: across a daylight-saving change a day is 23 or 25 hours long."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from commitments.models import Commitment
from tests.factories import add_status, make_agreement, make_commitment, make_provision, make_source

pytestmark = pytest.mark.django_db

# (zone, the day before clocks change, the day they change): spring forward and fall back.
TRANSITIONS = [
    ("Europe/Kyiv", dt.date(2025, 3, 29), dt.date(2025, 3, 30)),
    ("Europe/Kyiv", dt.date(2025, 10, 25), dt.date(2025, 10, 26)),
    ("America/New_York", dt.date(2025, 3, 8), dt.date(2025, 3, 9)),
    ("America/New_York", dt.date(2025, 11, 1), dt.date(2025, 11, 2)),
]


def commitment_due(zone: str, deadline: dt.date) -> Commitment:
    agreement = make_agreement(
        f"agreement-{zone.lower().replace('/', '-')}-{deadline}",
        time_zone=zone,
        signed_on=dt.date(2025, 1, 1),
        entry_into_force=dt.datetime(2025, 1, 1, tzinfo=ZoneInfo(zone)),
    )
    commitment = make_commitment(make_provision(agreement, "1"), title="Withdrawal", deadline=deadline)
    commitment.refresh_from_db()  # instants as the database returns them: in UTC
    return commitment


def fulfil(commitment: Commitment, on: dt.date) -> None:
    add_status(commitment, "fulfilled", on, make_source(published_on=on))


@pytest.mark.parametrize(("zone", "deadline", "change_day"), TRANSITIONS)
def test_fulfilled_the_day_after_the_deadline_is_one_day_late_across_a_clock_change(zone, deadline, change_day):
    commitment = commitment_due(zone, deadline)
    fulfil(commitment, change_day)

    assert commitment.is_fulfilled_late()
    assert commitment.days_late() == 1


@pytest.mark.parametrize(("zone", "deadline", "change_day"), TRANSITIONS)
def test_fulfilled_on_the_deadline_day_is_on_time_across_a_clock_change(zone, deadline, change_day):
    commitment = commitment_due(zone, change_day)
    fulfil(commitment, change_day)

    assert not commitment.is_fulfilled_late()
    assert commitment.days_late() is None


@pytest.mark.parametrize(("zone", "deadline", "change_day"), TRANSITIONS)
def test_days_overdue_count_the_calendar_days_since_the_deadline_day(zone, deadline, change_day):
    commitment = commitment_due(zone, deadline)
    tz = ZoneInfo(zone)
    # As the clock gives them: in UTC.
    late_on_the_change_day = dt.datetime.combine(change_day, dt.time(23, 30), tz).astimezone(dt.UTC)
    just_after_midnight_two_days_later = dt.datetime.combine(
        change_day + dt.timedelta(days=1), dt.time(0, 30), tz
    ).astimezone(dt.UTC)

    assert commitment.days_overdue(late_on_the_change_day) == 1
    assert commitment.days_overdue(just_after_midnight_two_days_later) == 2


def test_the_page_says_a_day_late_where_the_rule_says_late(client):
    commitment = commitment_due("Europe/Kyiv", dt.date(2025, 3, 29))
    fulfil(commitment, dt.date(2025, 3, 30))

    response = client.get(reverse("dashboard:commitment_detail", args=[commitment.pk]))

    assert response.context["is_fulfilled_late"] is True
    assert response.context["days_late"] == 1
    assert "Fulfilled 1 day late" in response.content.decode()
    assert "Fulfilled on time" not in response.content.decode()
