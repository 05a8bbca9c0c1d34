"""Incidents from a spreadsheet, as assessments and claims: a template to download; a dry run that
refuses each bad row with its row number and reason (a sub-event type of another event type, a source
published before the incident, no quote, an agreement outside the monitor's scope); a file with any
refused row imports nothing; a good file's rows become drafts of the importing monitor, with their
new source and the commitments they bear on, public nowhere until a second monitor publishes them."""

import io
from types import SimpleNamespace

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Group
from django.urls import reverse

from commitments.models import Incident, ReviewState, Source
from commitments.spreadsheets import INCIDENT_COLUMNS, IncidentResource
from tests.factories import karabakh_like, loaded_once_per_module, make_agreement, make_monitor, read_afresh

pytestmark = pytest.mark.django_db

HEADERS = [
    "agreement",
    "date",
    "time_precision",
    "location",
    "country",
    "geo_precision",
    "event_type",
    "sub_event_type",
    "alleged_by",
    "alleged_against",
    "commitments",
    "summary",
    "quote",
    "source_url",
    "source_publisher",
    "source_title",
    "source_published_on",
]
NEW_SOURCE = "https://www.azatutyun.am/a/31000099.html"


def build_desk() -> SimpleNamespace:
    data = karabakh_like()
    data.monitor = make_monitor("author", agreement=data.agreement)
    data.monitor.groups.add(Group.objects.get(name="Monitors"))
    data.other = make_agreement(slug="other", title="Another agreement", short_title="Another")
    return data


@pytest.fixture(scope="module")
def desk_in_the_database(django_db_setup, django_db_blocker):
    """The desk, built once for the module's tests (each test's writes are rolled back)."""
    yield from loaded_once_per_module(django_db_blocker, build_desk)


@pytest.fixture
def desk(desk_in_the_database, db, client) -> SimpleNamespace:
    data = read_afresh(desk_in_the_database)
    client.force_login(data.monitor)
    return data


def good_row(data, **changes) -> list[str]:
    row = {
        "agreement": data.agreement.slug,
        "date": "2020-12-10",
        "time_precision": "1",
        "location": "Khramort",
        "country": "Azerbaijan",
        "geo_precision": "2",
        "event_type": "battles",
        "sub_event_type": "Armed clash",
        "alleged_by": "armenia",
        "alleged_against": "Azerbaijan",
        "commitments": "route-plan; prisoner-exchange",
        "summary": "An armed clash near Khramort.",
        "quote": "Fighting broke out near Khramort.",
        "source_url": NEW_SOURCE,
        "source_publisher": "Azatutyun",
        "source_title": "Clash reported near Khramort",
        "source_published_on": "2020-12-11",
        **changes,
    }
    return [row[name] for name in HEADERS]


def import_rows(data, rows, dry_run: bool):
    return IncidentResource(user=data.monitor).import_data(
        tablib.Dataset(*rows, headers=HEADERS), dry_run=dry_run, rollback_on_validation_errors=True, user=data.monitor
    )


def test_the_template_holds_the_columns(client, desk):
    xlsx = client.get(reverse("admin:commitments_incident_import_template", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]] == INCIDENT_COLUMNS
    page = client.get(reverse("admin:commitments_incident_import")).content.decode()
    assert "sub_event_type" in page and "Every imported row is a <strong>draft</strong>" in page


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"sub_event_type": "peaceful_protest"}, "sub_event_type", "is not a kind of"),
        ({"source_url": f"{NEW_SOURCE}?v=2", "source_published_on": "2020-12-01"}, "date", "before the incident"),
        ({"quote": ""}, "quote", "Quote the passage"),
        ({"agreement": "other", "commitments": ""}, "agreement", "outside the agreements assigned"),
        ({"commitments": "no-such-commitment"}, "commitments", "has no commitment 'no-such-commitment'"),
        ({"geo_precision": "5"}, "geo_precision", "is not one of"),
    ],
    ids=[
        "sub-event of another kind",
        "source before it",
        "no quote",
        "outside the scope",
        "unknown commitment",
        "code",
    ],
)
def test_a_bad_row_is_refused_with_its_row_number_and_the_file_imports_nothing(desk, changes, column, reason):
    before = (Incident.objects.count(), Source.objects.count())
    rows = [good_row(desk, location="Fizuli"), good_row(desk, **changes)]

    result = import_rows(desk, rows, dry_run=False)

    assert [row.number for row in result.invalid_rows] == [2]  # the file's third row, after the header
    errors = result.invalid_rows[0].error_dict
    assert column in errors, errors
    assert reason in " ".join(" ".join(messages) for messages in errors.values())
    assert (Incident.objects.count(), Source.objects.count()) == before  # the good row is not imported either


def test_a_good_file_imports_drafts_with_their_source_and_commitments_public_nowhere(client, desk):
    result = import_rows(desk, [good_row(desk)], dry_run=True)
    assert not result.has_validation_errors() and not Incident.objects.filter(location="Khramort").exists()

    result = import_rows(desk, [good_row(desk), good_row(desk, location="Fizuli", source_url="")], dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    khramort, fizuli = Incident.objects.get(location="Khramort"), Incident.objects.get(location="Fizuli")
    assert (khramort.review_state, khramort.recorded_by) == (ReviewState.DRAFT, desk.monitor)
    assert (khramort.alleged_by, khramort.alleged_against) == (desk.armenia, desk.azerbaijan)
    assert (khramort.geo_precision, khramort.sub_event_type) == (2, "armed_clash")
    assert set(khramort.commitments.all()) == {desk.route, desk.prisoners}
    source = Source.objects.get(url=NEW_SOURCE)
    assert khramort.evidence.get().source == source and source.publisher == "Azatutyun"
    assert fizuli.evidence.get().source.publisher == "Azatutyun"  # described in the row: a second new source
    client.logout()
    assert "Khramort" not in client.get(reverse("dashboard:incident_list")).content.decode()
