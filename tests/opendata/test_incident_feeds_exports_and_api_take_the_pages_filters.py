"""The incident log for machines: an Atom feed, CSV and JSON downloads and the API, each with the
incident pages' filters in the query string; a bad filter is a 400 naming it. Every incident write
moves the data version, so ETags and cached pages change with it."""

import csv
import datetime as dt
import io

import feedparser
import pytest

from commitments.models import DataVersion, IncidentEvidence
from tests.factories import add_incident, read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


def test_the_feed_lists_incidents_with_permanent_ids_and_the_day_they_happened(client, data):
    feed = feedparser.parse(client.get("/incidents/feed.atom").content)

    assert [entry.id for entry in feed.entries] == [
        "tag:ceasefire-tracker,2020:statement-2020/incident/2",
        "tag:ceasefire-tracker,2020:statement-2020/incident/1",
    ]
    shelling = next(entry for entry in feed.entries if "Hin Tagher" in entry.title)
    assert shelling.title == "Ceasefire statement: Shelling/artillery/missile attack, Hin Tagher, 2020-12-01"
    assert shelling.published == "2020-12-01T00:00:00+03:00"  # the start of 1 Dec in Moscow
    assert shelling.link.endswith(data.shelling.get_absolute_url())
    assert "Verification: Corroborated" in shelling.summary and "Fatalities: 1" in shelling.summary


def test_the_feed_takes_the_filters_and_names_the_agreement(client, data):
    feed = feedparser.parse(client.get("/incidents/feed.atom?agreement=statement-2020&verification=alleged").content)

    assert feed.feed.title == "Ceasefire statement: incidents"
    assert [entry.title.split(", ")[1] for entry in feed.entries] == ["Hadrut"]
    response = client.get("/incidents/feed.atom?verification=certain")
    assert response.status_code == 400 and "verification" in response.json()["errors"]


def test_the_csv_has_every_field_and_each_report(client, data):
    response = client.get("/incidents/export.csv?sub_event_type=shelling_artillery_missile_attack")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["location"] for row in rows] == ["Hin Tagher"]
    row = rows[0]
    assert (row["fatalities"], row["injuries"], row["verification"]) == ("1", "", "Corroborated")
    assert "Fatalities (Civilians): 2–4, Azatutyun" in row["casualty_reports"]
    assert row["alleged_by"] == "Republic of Armenia" and row["commitments"] == "prisoner-exchange"


def test_the_json_download_matches_the_api(client, data):
    download = client.get("/incidents/export.json?alleged_against=azerbaijan").json()
    api = client.get("/api/incidents/?alleged_against=azerbaijan").json()

    assert download["count"] == api["count"] == 2
    assert download["results"] == api["results"]


def test_the_api_shows_an_incident_in_acleds_terms_with_its_figures_and_reports(client, data):
    incident = client.get(f"/api/incidents/{data.shelling.pk}/").json()

    assert incident["event_type"] == "explosions_remote_violence"
    assert incident["sub_event_type"] == "shelling_artillery_missile_attack"
    assert (incident["time_precision"], incident["geo_precision"]) == (1, 1)
    assert (incident["latitude"], incident["longitude"]) == (39.6, 46.9)
    assert (incident["alleged_by"], incident["alleged_against"]) == ("armenia", "azerbaijan")
    assert (incident["actor1"], incident["actor2"]) == ("azerbaijan", "armenia")
    assert incident["verification"] == "corroborated"
    assert (incident["fatalities"], incident["injuries"]) == (1, None)
    assert sorted(r["figure"] for r in incident["casualty_reports"]) == ["1", "2–4", "unknown"]
    assert incident["commitments"] == [data.prisoners.pk]
    assert [e["quote"] for e in incident["evidence"]][0] == "Shells hit the village overnight."


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("verification=corroborated", 1),
        ("event_type=strategic_developments", 1),
        ("date_from=2020-12-02&date_to=2020-12-31", 1),
        ("alleged_by=armenia", 2),
    ],
)
def test_the_api_takes_the_pages_filters(client, query, count, data):
    assert client.get(f"/api/incidents/?{query}").json()["count"] == count


@pytest.mark.parametrize(
    "query",
    [
        "verification=certain",
        "alleged_by=nobody",
        "commitment=0",
        "commitment=x",
        "date_from=2020-02-30",
        "verification=",
    ],
)
def test_the_api_refuses_a_bad_filter_with_400_naming_it(client, query, data):
    response = client.get(f"/api/incidents/?{query}")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_an_incident_without_evidence_is_nowhere_in_the_open_data(client, data):
    IncidentEvidence.objects.filter(incident=data.arrests).delete()

    assert client.get(f"/api/incidents/{data.arrests.pk}/").status_code == 404
    assert client.get("/api/incidents/").json()["count"] == 1
    assert len(feedparser.parse(client.get("/incidents/feed.atom").content).entries) == 1


def test_every_incident_write_moves_the_data_version_and_the_etag(client, data):
    etag = client.get("/api/incidents/")["ETag"]
    assert client.get("/api/incidents/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    page = client.get("/incidents/").content

    before = DataVersion.current()
    incident = add_incident(data.agreement, dt.date(2020, 12, 5), data.azatutyun, location="Martakert")
    assert DataVersion.current() > before  # the incident, its evidence, its relations
    before = DataVersion.current()
    incident.commitments.add(data.route)
    assert DataVersion.current() > before
    before = DataVersion.current()
    data.prisoners.status_updates.first().incidents.add(incident)
    assert DataVersion.current() > before

    assert client.get("/api/incidents/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/incidents/").content != page  # the cached page was not served
    assert b"Martakert" in client.get("/incidents/").content
