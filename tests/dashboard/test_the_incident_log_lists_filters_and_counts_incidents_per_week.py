"""The incident log's pages: overall and per agreement, filtered by the URL (party alleging, party
accused, kind, date range, verification, commitment), with the incidents per week as a chart and a
table; each incident's page; a commitment's page lists its incidents and links the assessments
that rest on them."""

import datetime as dt

import pytest
from django.urls import reverse

from commitments.acled import EventType, SubEventType, TimePrecision
from commitments.models import IncidentEvidence, Source
from dashboard.charts import weekly_chart
from tests.factories import (
    add_incident,
    add_status,
    make_agreement,
    make_commitment,
    make_source,
    read_afresh,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


def listed(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return sorted(incident.location for incident in response.context["object_list"])


def test_the_overall_log_lists_every_incident_and_the_agreements_log_only_its_own(client, data):
    other = make_agreement("other", title="Another ceasefire", signed_on=dt.date(2020, 11, 1))
    add_incident(other, location="Elsewhere")

    assert listed(client, "/incidents/") == ["Elsewhere", "Hadrut", "Hin Tagher"]
    assert listed(client, f"/agreements/{data.agreement.slug}/incidents/") == ["Hadrut", "Hin Tagher"]
    assert listed(client, "/incidents/?agreement=other") == ["Elsewhere"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alleged_by=armenia", ["Hadrut", "Hin Tagher"]),
        ("alleged_against=azerbaijan", ["Hadrut", "Hin Tagher"]),
        ("event_type=explosions_remote_violence", ["Hin Tagher"]),
        ("sub_event_type=arrests", ["Hadrut"]),
        ("date_from=2020-12-02", ["Hadrut"]),
        ("date_to=2020-12-01", ["Hin Tagher"]),
        ("verification=corroborated", ["Hin Tagher"]),
        ("verification=alleged", ["Hadrut"]),
        ("verification=confirmed", []),
    ],
)
def test_each_filter_narrows_the_list_and_the_url_holds_it(client, query, expected, data):
    assert listed(client, f"/incidents/?{query}") == expected


def test_the_commitment_filter_and_a_multi_day_incident_in_a_date_range(client, data):
    ceasefire = make_commitment(data.point8, title="Ceasefire", deadline=None)
    add_incident(
        data.agreement,
        dt.date(2020, 11, 28),
        data.tass,
        location="Lachin",
        ended_on=dt.date(2020, 12, 1),
        commitments=[ceasefire],
    )

    assert listed(client, f"/incidents/?commitment={ceasefire.pk}") == ["Lachin"]
    assert listed(client, f"/incidents/?commitment={data.prisoners.pk}") == ["Hadrut", "Hin Tagher"]
    # Under way on 1 Dec, the range's first day, though it began before it.
    assert listed(client, "/incidents/?date_from=2020-12-01&date_to=2020-12-01") == ["Hin Tagher", "Lachin"]


def test_a_bad_filter_value_gets_a_message_not_an_error_page(client, data):
    response = client.get("/incidents/?verification=certain&date_from=31.02.2020&commitment=x")

    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert set(response.context["filter"].errors) == {"verification", "date_from", "commitment"}
    assert "Some filters could not be applied" in response.content.decode()


def test_the_chart_counts_incidents_per_week_and_the_table_says_the_same(client, data):
    add_incident(data.agreement, dt.date(2020, 12, 3), data.azatutyun, location="Martuni")
    monthly = make_source("PanARMENIAN", published_on=dt.date(2020, 12, 1), published_on_precision="month")
    add_incident(
        data.agreement, dt.date(2020, 12, 1), monthly, location="Somewhere", time_precision=TimePrecision.MONTH
    )

    response = client.get("/incidents/")

    chart = response.context["chart"]
    # Hin Tagher (Tue 1 Dec) and Martuni (Thu 3 Dec) share the week of 30 Nov; Hadrut (Mon 7 Dec) is the next.
    assert [(bar.week, bar.count) for bar in chart.bars] == [(dt.date(2020, 11, 30), 2), (dt.date(2020, 12, 7), 1)]
    assert response.context["month_only_count"] == 1
    html = response.content.decode()
    assert html.count('<rect class="bar"') == 2 * 2  # the wide and the phone drawing
    assert "1 incident is dated only to its month" in html


def test_the_charts_bars_are_as_tall_as_their_counts_and_empty_weeks_are_space():
    chart = weekly_chart([(dt.date(2020, 11, 30), 4), (dt.date(2020, 12, 14), 2)])

    assert chart.weeks == 3
    tall, short = chart.bars
    assert tall.height == pytest.approx(2 * short.height)
    assert tall.y + tall.height == pytest.approx(short.y + short.height)  # one baseline
    assert short.x - tall.x == pytest.approx(
        2 * (chart.layout.width - chart.layout.left - chart.layout.right) / 3, abs=0.01
    )
    assert weekly_chart([]) is None


def test_an_incidents_page_shows_its_facts_sources_figures_and_verification(client, data):
    response = client.get(data.shelling.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Shelling/artillery/missile attack: Hin Tagher" in html
    assert "Hin Tagher, Khojavend District, Azerbaijan" in html
    assert "Latitude 39.60000, longitude 46.90000 (WGS84)" in html
    assert "Time precision: The actual date (ACLED code 1)" in html
    assert "by Armenia against Azerbaijan" in html
    assert response.context["fatalities"] == 1 and response.context["injuries"] is None
    assert "2–4" in html and "Corroborated" in html
    assert "Shells hit the village overnight." in html
    assert data.prisoners.title in html


def test_an_incident_without_evidence_is_not_shown(client, data):
    IncidentEvidence.objects.filter(incident=data.arrests).delete()

    assert client.get(data.arrests.get_absolute_url()).status_code == 404
    assert listed(client, "/incidents/") == ["Hin Tagher"]


def test_a_commitments_page_lists_its_incidents_and_links_its_violated_assessment_to_them(client, data):
    add_status(data.prisoners, "violated", dt.date(2020, 12, 8), data.azatutyun, incidents=[data.arrests])

    response = client.get(data.prisoners.get_absolute_url())

    html = response.content.decode()
    assert [i.location for i in response.context["incidents"]] == ["Hadrut", "Hin Tagher"]
    assert f'href="{data.arrests.get_absolute_url()}"' in html
    assert "Rests on the incidents:" in html
    assert f"/incidents/?commitment={data.prisoners.pk}" in html


def test_the_navigation_and_the_agreement_page_lead_to_the_incident_log(client, data):
    assert 'href="/incidents/"' in client.get("/").content.decode()
    assert (
        f'href="{reverse("dashboard:agreement_incident_list", args=[data.agreement.slug])}"'
        in client.get(data.agreement.get_absolute_url()).content.decode()
    )


def test_a_court_source_makes_the_list_say_confirmed(client, data):
    court = make_source(
        "International Court of Justice", published_on=dt.date(2020, 12, 9), kind=Source.Kind.COURT_DOCUMENT
    )
    add_incident(
        data.agreement,
        dt.date(2020, 12, 8),
        court,
        location="Shusha",
        event_type=EventType.STRATEGIC_DEVELOPMENTS,
        sub_event_type=SubEventType.OTHER,
    )

    assert listed(client, "/incidents/?verification=confirmed") == ["Shusha"]
    assert (
        'class="verification verification-confirmed">Confirmed<'
        in client.get("/incidents/?verification=confirmed").content.decode()
    )
