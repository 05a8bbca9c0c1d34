"""An incident's date is as precise as ACLED's time precision says and no more precise than its
sources, never in the future and never before its sources could report it; its coordinates are
WGS84 degrees, both or neither."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from commitments.acled import TimePrecision
from commitments.models import Incident
from tests.factories import add_incident, make_source

pytestmark = pytest.mark.django_db


def refused(**fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        add_incident(**fields)
    assert Incident.objects.count() == 0
    return error.value.message_dict


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        ("90.5", "46.9", "latitude"),
        ("-91", "46.9", "latitude"),
        ("39.6", "180.1", "longitude"),
        ("39.6", "-181", "longitude"),
    ],
)
def test_coordinates_outside_wgs84_ranges_are_refused(latitude, longitude, field):
    assert field in refused(latitude=latitude, longitude=longitude)


def test_one_coordinate_without_the_other_is_refused():
    assert "longitude" in refused(latitude="39.6")
    assert "latitude" in refused(longitude="46.9")


def test_coordinates_within_range_are_kept_as_given():
    incident = add_incident(latitude="-90", longitude="180")
    incident.refresh_from_db()

    assert (incident.latitude, incident.longitude) == (Decimal("-90"), Decimal("180"))


def test_a_week_is_entered_as_its_monday_and_a_month_as_its_first_day():
    assert "occurred_on" in refused(occurred_on=dt.date(2020, 12, 2), time_precision=TimePrecision.WEEK)
    assert "occurred_on" in refused(occurred_on=dt.date(2020, 12, 2), time_precision=TimePrecision.MONTH)

    week = add_incident(occurred_on=dt.date(2020, 11, 30), time_precision=TimePrecision.WEEK)
    month = add_incident(occurred_on=dt.date(2020, 12, 1), time_precision=TimePrecision.MONTH)

    assert week.iso_date() == "2020-W49" and week.display_date() == "the week of Nov. 30, 2020"
    assert month.iso_date() == "2020-12" and month.display_date() == "December 2020"


def test_an_incident_over_several_days_ends_after_it_begins():
    assert "ended_on" in refused(occurred_on=dt.date(2020, 12, 2), ended_on=dt.date(2020, 12, 1))
    assert "ended_on" in refused(
        occurred_on=dt.date(2020, 12, 1), ended_on=dt.date(2020, 12, 2), time_precision=TimePrecision.MONTH
    )

    incident = add_incident(occurred_on=dt.date(2020, 12, 1), ended_on=dt.date(2020, 12, 2))

    assert incident.display_date() == "Dec. 1, 2020 – Dec. 2, 2020"


def test_a_moment_falls_on_the_date_in_the_agreements_time_zone():
    # 22:30 UTC on 30 Nov is 01:30 on 1 Dec in Moscow.
    late = dt.datetime(2020, 11, 30, 22, 30, tzinfo=dt.UTC)
    assert "occurred_at" in refused(occurred_on=dt.date(2020, 11, 30), occurred_at=late)

    assert add_incident(occurred_on=dt.date(2020, 12, 1), occurred_at=late).occurred_at == late


@time_machine.travel(dt.datetime(2020, 12, 10, 12, 0, tzinfo=dt.UTC))
def test_an_incident_cannot_be_dated_in_the_future():
    assert "occurred_on" in refused(
        occurred_on=dt.date(2020, 12, 11), source=make_source(published_on=dt.date(2020, 12, 11))
    )


def test_a_source_dated_to_the_month_dates_the_incident_to_the_month():
    monthly = make_source(published_on=dt.date(2020, 12, 1), published_on_precision="month")

    assert "time_precision" in refused(source=monthly)
    assert add_incident(source=monthly, time_precision=TimePrecision.MONTH).time_precision == TimePrecision.MONTH


def test_a_source_published_before_the_incident_cannot_report_it():
    errors = refused(occurred_on=dt.date(2020, 12, 5), source=make_source("TASS", published_on=dt.date(2020, 12, 1)))

    assert "before the incident" in errors["occurred_on"][0]


def test_a_party_does_not_allege_an_incident_against_itself(armenia):
    assert "alleged_against" in refused(alleged_by=armenia, alleged_against=armenia)


def test_the_place_reads_from_the_location_to_the_country():
    incident = add_incident(location="Lachin corridor", admin1="Lachin District", country="Azerbaijan")

    assert incident.place() == "Lachin corridor, Lachin District, Azerbaijan"
