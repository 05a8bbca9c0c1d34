"""The shipped seed records the incidents the reference supports with a source — the blocking of the
Lachin corridor (12 Dec 2022, Azatutyun 13 Dec 2022, with the ICJ order of 22 Feb 2023) and the
offensive of 19-20 Sep 2023 (TASS, 20 Sep 2023) — and nothing the reference does not give: sources
known by outlet and date only, no URL, evidence marked as a summary, casualties unknown."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from commitments.models import CasualtyReport, Incident, Verification
from commitments.seeding import load_agreement_file

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR) / "seeds" / "karabakh-2020.yaml"


@pytest.fixture
def seed(karabakh_seed_loaded, db):
    pass


def sources_of(incident: Incident) -> list[tuple[str, dt.date, str]]:
    return [
        (item.source.publisher, item.source.published_on, item.source.url) for item in incident.evidence.order_by("pk")
    ]


def test_the_seed_records_exactly_the_two_incidents_of_the_reference(seed):
    assert [(i.occurred_on, i.location) for i in Incident.objects.order_by("occurred_on")] == [
        (dt.date(2022, 12, 12), "Lachin corridor"),
        (dt.date(2023, 9, 19), "Nagorno-Karabakh"),
    ]


def test_the_corridor_blocked_on_12_december_2022_rests_on_azatutyun_and_the_icj_order(seed):
    blockade = Incident.objects.get(location="Lachin corridor")

    assert (blockade.occurred_on, blockade.time_precision, blockade.ended_on) == (dt.date(2022, 12, 12), 1, None)
    assert sources_of(blockade) == [
        ("Azatutyun (RFE/RL Armenian Service)", dt.date(2022, 12, 13), ""),
        ("International Court of Justice", dt.date(2023, 2, 22), ""),
    ]
    assert blockade.verification() == Verification.CONFIRMED  # an independent court's order
    assert [c.code for c in blockade.commitments.all()] == ["lachin-safe-passage"]
    assert blockade.alleged_against.slug == "azerbaijan" and blockade.alleged_by is None
    assert blockade.actor1 is None and blockade.actor2 is None  # the reference names no one who blocked it
    assert (blockade.latitude, blockade.longitude) == (None, None)


def test_the_offensive_of_19_20_september_2023_rests_on_tass(seed):
    offensive = Incident.objects.get(location="Nagorno-Karabakh")

    assert (offensive.occurred_on, offensive.ended_on) == (dt.date(2023, 9, 19), dt.date(2023, 9, 20))
    assert sources_of(offensive) == [("TASS", dt.date(2023, 9, 20), "")]
    assert offensive.verification() == Verification.ALLEGED  # one party's state agency alone
    assert [c.code for c in offensive.commitments.all()] == ["ceasefire"]
    assert offensive.actor1.slug == "azerbaijan" and offensive.actor2 is None


def test_nothing_is_invented_summaries_are_marked_and_casualties_are_unknown(seed):
    for incident in Incident.objects.all():
        assert all(not item.is_verbatim and item.speech_kind == "source" for item in incident.evidence.all())
        assert all(item.source.title.startswith("[") for item in incident.evidence.all())
        assert incident.casualty_reports.count() == 0
        assert incident.casualties().total(CasualtyReport.Kind.FATALITIES) is None
        assert incident.casualties().total(CasualtyReport.Kind.INJURIES) is None


def test_the_violated_assessments_name_the_incidents_they_rest_on(seed):
    rests_on = {
        incident.location: [(u.commitment.code, u.status, u.as_of) for u in incident.assessments.all()]
        for incident in Incident.objects.all()
    }

    assert rests_on == {
        "Lachin corridor": [("lachin-safe-passage", "violated", dt.date(2022, 12, 12))],
        "Nagorno-Karabakh": [("ceasefire", "violated", dt.date(2023, 9, 19))],
    }


def test_loading_the_seed_again_changes_nothing(seed):
    assert not load_agreement_file(SEED).changed
