"""The seed format carries incidents with every field (time and geo-precision, coordinates, actors,
who alleges it against whom, casualty reports, evidence with whose words, the commitments it bears
on and the assessments resting on it): exported, loaded into an emptied database and exported again,
the same bytes. A malformed incident fails with its entry and the problem, and loads nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import yaml

from commitments.models import Agreement, CasualtyReport, Incident, IncidentEvidence, Party, Source, Speaker, Status
from commitments.seeding import SeedError, dump_seed, export_agreement, load_agreement_file
from tests.factories import add_status, karabakh_like, make_speaker

pytestmark = pytest.mark.django_db


def empty_the_database() -> None:
    Agreement.objects.all().delete()
    Source.objects.all().delete()
    Speaker.objects.all().delete()
    Party.objects.all().delete()


@pytest.fixture
def data():
    data = karabakh_like()
    ayvazian = make_speaker("Ara Ayvazian", "Armenian foreign minister", data.armenia)
    IncidentEvidence.objects.create(
        incident=data.arrests,
        source=data.azatutyun,
        quote="They were detained",
        speech_kind="direct",
        speaker=ayvazian,
    )
    data.shelling.assoc_actors_1.set([data.russia])
    add_status(data.prisoners, Status.MINIMAL, dt.date(2020, 12, 8), data.azatutyun, incidents=[data.shelling])
    return data


def test_incidents_survive_export_and_load_into_an_emptied_database_byte_for_byte(data, tmp_path):
    first = dump_seed(export_agreement(data.agreement))
    path = tmp_path / "export.yaml"
    path.write_text(first, encoding="utf-8")

    empty_the_database()
    load_agreement_file(path)
    second = dump_seed(export_agreement(Agreement.objects.get(slug="statement-2020")))

    assert second == first
    shelling = Incident.objects.get(location="Hin Tagher")
    assert (shelling.latitude, shelling.longitude) == (Decimal("39.6"), Decimal("46.9"))
    assert [p.slug for p in shelling.assoc_actors_1.all()] == ["russia"]
    assert sorted(r.figure() for r in shelling.casualty_reports.all()) == ["1", "2–4", "unknown"]
    assert shelling.casualties().total(CasualtyReport.Kind.FATALITIES) == 1
    assert [u.status for u in shelling.assessments.all()] == ["minimal"]
    assert Incident.objects.get(location="Hadrut").evidence.get(speech_kind="direct").speaker.name == "Ara Ayvazian"


def test_loading_the_export_again_changes_nothing(data, tmp_path):
    path = tmp_path / "export.yaml"
    path.write_text(dump_seed(export_agreement(data.agreement)), encoding="utf-8")
    empty_the_database()
    assert load_agreement_file(path).created["incidents"] == 2

    assert not load_agreement_file(path).changed


def seed_with(incident: dict, **status_update) -> dict:
    document = {
        "format": 1,
        "parties": [{"slug": "azerbaijan", "name": "Republic of Azerbaijan", "kind": "state"}],
        "sources": [
            {
                "key": "s",
                "publisher": "Azatutyun",
                "title": "[Report]",
                "published_on": "2022-12-13",
                "language": "en",
                "kind": "news_report",
            }
        ],
        "agreement": {
            "slug": "a",
            "title": "A",
            "signed_on": "2020-11-09",
            "time_zone": "Europe/Moscow",
            "entry_into_force": "2020-11-10T00:00:00",
        },
        "provisions": [
            {
                "number": "6",
                "text": "Safe passage.",
                "commitments": [
                    {
                        "code": "passage",
                        "title": "Safe passage",
                        "description": "Safe passage.",
                        "responsible": ["azerbaijan"],
                        "category": "transport_economic",
                        "deadline": {"kind": "ongoing"},
                        "status_updates": [
                            {
                                "status": "violated",
                                "as_of": "2022-12-12",
                                "summary": "Blocked.",
                                "evidence": [
                                    {"source": "s", "quote": "Blocked.", "verbatim": False, "speech": "source"}
                                ],
                                **status_update,
                            }
                        ],
                    }
                ],
            }
        ],
        "incidents": [
            {
                "key": "blockade",
                "occurred_on": "2022-12-12",
                "location": "Lachin corridor",
                "country": "Azerbaijan",
                "geo_precision": 2,
                "event_type": "strategic_developments",
                "sub_event_type": "other",
                "summary": "Blocked.",
                "commitments": ["passage"],
                "evidence": [{"source": "s", "quote": "Blocked.", "verbatim": False, "speech": "source"}],
                **incident,
            }
        ],
    }
    return document


def load(tmp_path, document) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    load_agreement_file(path)


def test_a_well_formed_incident_loads_and_its_assessment_names_it(tmp_path):
    load(tmp_path, seed_with({}, incidents=["blockade"]))

    incident = Incident.objects.get()
    assert [u.status for u in incident.assessments.all()] == ["violated"]


@pytest.mark.parametrize(
    ("incident", "status_update", "where", "problem"),
    [
        ({"commitments": ["nothing"]}, {}, "incidents[0] (blockade).commitments[0]", "no commitment 'nothing'"),
        ({}, {"incidents": ["elsewhere"]}, "status_updates[0].incidents[0]", "unknown incident 'elsewhere'"),
        ({"sub_event_type": "armed_clash"}, {}, "incidents[0] (blockade)", "is not a kind of"),
        ({"latitude": 95, "longitude": 46.9}, {}, "incidents[0] (blockade)", "latitude"),
        ({"latitude": "north"}, {}, "incidents[0] (blockade).latitude", "not a number"),
        ({"evidence": []}, {}, "incidents[0] (blockade).evidence", "at least one piece of evidence"),
        ({"occurred_on": "2022-12-14"}, {}, "incidents[0] (blockade)", "before the incident"),
        (
            {"casualties": [{"kind": "fatalities", "minimum": 5, "maximum": 2, "source": "s"}]},
            {},
            "incidents[0] (blockade)",
            "highest figure",
        ),
    ],
)
def test_a_malformed_incident_names_its_entry_and_loads_nothing(tmp_path, incident, status_update, where, problem):
    with pytest.raises(SeedError) as error:
        load(tmp_path, seed_with(incident, **status_update))

    assert where in error.value.where and problem in error.value.problem
    assert Agreement.objects.count() == Incident.objects.count() == 0


def test_a_recorded_incident_is_not_rewritten_by_a_file_that_says_otherwise(tmp_path):
    load(tmp_path, seed_with({}))

    with pytest.raises(SeedError, match="history is not rewritten"):
        load(tmp_path, seed_with({"summary": "Something else."}))

    assert Incident.objects.get().summary == "Blocked."
