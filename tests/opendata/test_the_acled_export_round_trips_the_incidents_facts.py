"""The incidents in ACLED's column layout: exported, parsed back, the same facts — so researchers can
merge our incidents with ACLED's data. The columns we fill are filled as README says; those we
cannot fill (inter1, inter2, source_scale) are empty; unknown fatalities are empty, never 0."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from commitments.acled import EventType, SubEventType
from commitments.models import CasualtyReport, Incident
from opendata.exports import ACLED_COLUMNS, parse_acled_row
from tests.factories import add_incident, make_party, make_source, read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


ACLED_ORDER = [
    "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
    "tags", "timestamp",
]  # fmt: skip


def rows(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/incidents/acled.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def facts(incident: Incident) -> dict:
    """What the export must carry of an incident, from the database."""
    return {
        "occurred_on": incident.occurred_on,
        "year": incident.occurred_on.year,
        "time_precision": incident.time_precision,
        "disorder_type": incident.disorder_type(),
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "actor1": incident.actor1.name if incident.actor1 else "",
        "assoc_actors_1": [party.name for party in incident.assoc_actors_1.all()],
        "actor2": incident.actor2.name if incident.actor2 else "",
        "assoc_actors_2": [party.name for party in incident.assoc_actors_2.all()],
        "country": incident.country,
        "admin1": incident.admin1,
        "admin2": incident.admin2,
        "admin3": incident.admin3,
        "location": incident.location,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "geo_precision": incident.geo_precision,
        "sources": list(dict.fromkeys(item.source.publisher for item in incident.evidence.order_by("pk"))),
        "notes": incident.summary,
        "fatalities": incident.casualties().total(CasualtyReport.Kind.FATALITIES),
        "verification": incident.verification(),
        "alleged_by": incident.alleged_by.name if incident.alleged_by else "",
        "alleged_against": incident.alleged_against.name if incident.alleged_against else "",
        "ended_on": incident.ended_on,
        "page_url": f"http://testserver{incident.get_absolute_url()}",
        "recorded_at": incident.recorded_at.replace(microsecond=0),
    }


def test_the_columns_are_acleds_in_acleds_order(client, data):
    assert ACLED_COLUMNS == ACLED_ORDER
    header = client.get("/incidents/acled.csv").content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == ACLED_ORDER


def test_export_then_parse_gives_the_same_facts(client, data):
    # A tricky one: a range of dates, associated actors, a negative coordinate, a formula-like note,
    # Cyrillic, and two sources from one publisher (named once).
    data.shelling.assoc_actors_2.set([make_party("russia")])
    tricky = add_incident(
        data.agreement,
        dt.date(2020, 11, 28),
        ended_on=dt.date(2020, 11, 29),
        event_type=EventType.PROTESTS,
        sub_event_type=SubEventType.EXCESSIVE_FORCE_AGAINST_PROTESTERS,
        location="Степанакерт",
        admin2="=HYPERLINK(1)",
        latitude="-39.81234",
        longitude="-0.00001",
        actor1=data.azerbaijan,
        assoc_actors_1=[data.russia, data.armenia],
        summary="-1 protesters; the crowd dispersed.",
        source=make_source("Outlet", published_on=dt.date(2020, 11, 30)),
    )
    by_date = {row["event_date"]: parse_acled_row(row) for row in rows(client)}

    for incident in Incident.objects.all():
        parsed = by_date[incident.occurred_on.isoformat()]
        assert {name: parsed[name] for name in facts(incident)} == facts(incident), incident
    assert by_date["2020-11-28"]["ended_on"] == dt.date(2020, 11, 29)
    assert by_date["2020-11-28"]["latitude"] == Decimal("-39.81234") == tricky.latitude
    assert by_date["2020-11-28"]["disorder_type"] == "Political violence; Demonstrations"


def test_each_filled_column_is_written_as_acled_writes_it(client, data):
    row = next(row for row in rows(client) if row["location"] == "Hin Tagher")

    assert row["event_date"] == "2020-12-01" and row["year"] == "2020" and row["time_precision"] == "1"
    assert row["event_type"] == "Explosions/Remote violence"
    assert row["sub_event_type"] == "Shelling/artillery/missile attack"
    assert row["disorder_type"] == "Political violence"
    assert (row["actor1"], row["actor2"]) == ("Republic of Azerbaijan", "Republic of Armenia")
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == ("39.60000", "46.90000", "1")
    assert row["source"] == "Azatutyun; TASS"
    assert row["fatalities"] == "1"  # the lowest of 2–4 and 1, both of civilians
    assert row["inter1"] == row["inter2"] == row["source_scale"] == ""
    assert "verification: corroborated" in row["tags"] and "alleged by: Republic of Armenia" in row["tags"]
    assert row["timestamp"] == str(int(data.shelling.recorded_at.timestamp()))


def test_unknown_fatalities_are_empty_never_zero(client, data):
    row = next(row for row in rows(client) if row["location"] == "Hadrut")

    assert row["fatalities"] == ""


def test_the_export_takes_the_pages_filters(client, data):
    assert [row["location"] for row in rows(client, "?verification=alleged")] == ["Hadrut"]
    assert client.get("/incidents/acled.csv?verification=certain").status_code == 400
