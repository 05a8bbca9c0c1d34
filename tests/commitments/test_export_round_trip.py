"""An agreement exported in the seed format loads into an empty database and rebuilds it, nothing lost."""

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command

from commitments.models import (
    Agreement,
    Claim,
    Evidence,
    Incident,
    IncidentEvidence,
    Party,
    Source,
    Speaker,
    StatusUpdate,
)
from commitments.seeding import dump_seed, export_agreement, load_agreement_file
from tests.factories import PUBLISHED, loaded_once_per_module

SEED = Path(settings.BASE_DIR) / "seeds" / "karabakh-2020.yaml"


def canonical(document: dict) -> dict:
    """Replace the export's source and speaker keys (made from database ids) by the sources and speakers themselves."""
    sources = {source.pop("key"): tuple(sorted(source.items())) for source in document["sources"]}
    speakers = {speaker.pop("key"): tuple(sorted(speaker.items())) for speaker in document.get("speakers", [])}

    def walk(node):
        if isinstance(node, dict):
            return {
                k: sources[v] if k == "source" else speakers[v] if k == "speaker" else walk(v) for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    document["sources"] = sorted(sources.values())
    document["speakers"] = sorted(speakers.values())
    return walk(document)


def empty_the_database() -> None:
    Agreement.objects.all().delete()
    Source.objects.all().delete()
    Speaker.objects.all().delete()
    Party.objects.all().delete()


def load_karabakh_with_corrections() -> None:
    load_agreement_file(SEED)
    monitor = User.objects.create_user("monitor")
    prisoners = Agreement.objects.get().provisions.get(number="8").commitments.get()
    source = Source.objects.filter(published_on_precision="day").first()
    wrong = StatusUpdate.objects.record(
        commitment=prisoners,
        status="fulfilled",
        as_of=dt.date(2020, 12, 20),
        summary="Wrong.",
        recorded_by=monitor,
        **PUBLISHED,
        evidence=[Evidence(source=source, quote="Армения и Азербайджан обменялись пленными", is_verbatim=False)],
    )
    fix = StatusUpdate.objects.record(
        commitment=prisoners,
        status="intermediate",
        as_of=dt.date(2020, 12, 20),
        summary="Correction.",
        corrects=wrong,
        correction_reason="The exchange was partial.",
        recorded_by=monitor,
        **PUBLISHED,
        evidence=[Evidence(source=source, quote="Partial.")],
    )
    # A correction that fixes only the summary and the quote: same day, same status.
    StatusUpdate.objects.record(
        commitment=prisoners,
        status="intermediate",
        as_of=dt.date(2020, 12, 20),
        summary="Correction of the correction.",
        corrects=fix,
        **PUBLISHED,
        evidence=[Evidence(source=source, quote="Partial,\nover two lines.")],
    )
    first_claim = Claim.objects.filter(commitment=prisoners).first()
    Claim.objects.create(
        commitment=prisoners,
        party=first_claim.party,
        speaker=first_claim.speaker,
        stated_on=first_claim.stated_on,
        position="kept",
        summary="Correction.",
        source=first_claim.source,
        quote=first_claim.quote,
        corrects=first_claim,
        **PUBLISHED,
    )


@pytest.fixture(scope="module")
def karabakh_with_corrections_loaded(django_db_setup, django_db_blocker):
    """The seed and the corrections, loaded once for the module (each test's writes are rolled back)."""
    yield from loaded_once_per_module(django_db_blocker, load_karabakh_with_corrections)


@pytest.fixture
def karabakh_with_corrections(karabakh_with_corrections_loaded, db) -> Agreement:
    return Agreement.objects.get()


def test_an_exported_agreement_rebuilds_itself_in_an_empty_database(karabakh_with_corrections, tmp_path):
    before = export_agreement(karabakh_with_corrections)
    path = tmp_path / "export.yaml"
    path.write_text(dump_seed(before), encoding="utf-8")
    counts = [model.objects.count() for model in (StatusUpdate, Evidence, Claim, Incident, IncidentEvidence)]

    empty_the_database()
    load_agreement_file(path)

    rebuilt = Agreement.objects.get(slug="karabakh-2020")
    assert canonical(export_agreement(rebuilt)) == canonical(before)
    assert [model.objects.count() for model in (StatusUpdate, Evidence, Claim, Incident, IncidentEvidence)] == counts
    # The incident log comes along, with the incidents the assessments rest on.
    blockade = Incident.objects.get(location="Lachin corridor")
    assert [update.status for update in blockade.assessments.all()] == ["violated"]
    assert [commitment.code for commitment in blockade.commitments.all()] == ["lachin-safe-passage"]
    # The parties and sources it refers to come along, and those nothing refers to yet.
    assert Party.objects.count() == len(before["parties"]) and Source.objects.count() == len(before["sources"])
    prisoners = rebuilt.provisions.get(number="8").commitments.get()
    assert prisoners.current_status == "intermediate"
    assert prisoners.status_updates.get(summary="Correction.").corrects.summary == "Wrong."
    assert (
        prisoners.status_updates.get(summary="Correction of the correction.").evidence.get().quote
        == "Partial,\nover two lines."
    )
    assert prisoners.status_updates.get(summary="Wrong.").recorded_by.username == "monitor"
    assert rebuilt.monitors.count() == 0  # accounts and assignments are not part of the format


def test_export_then_load_into_an_emptied_database_then_export_gives_the_same_bytes(
    karabakh_with_corrections, tmp_path
):
    first = dump_seed(export_agreement(karabakh_with_corrections))
    path = tmp_path / "export.yaml"
    path.write_text(first, encoding="utf-8")
    source_ids = set(Source.objects.values_list("pk", flat=True))

    empty_the_database()  # the accounts stay, as on a server restored from a backup
    load_agreement_file(path)
    second = dump_seed(export_agreement(Agreement.objects.get(slug="karabakh-2020")))

    assert set(Source.objects.values_list("pk", flat=True)).isdisjoint(source_ids)  # new database ids
    assert second == first
    # Listed in the seed, cited by nothing yet, and still there.
    document = yaml.safe_load(first)
    assert {"turkey", "russian-peacekeeping-contingent"} <= {party["slug"] for party in document["parties"]}
    assert "Euronews" in {source["publisher"] for source in document["sources"]}
    assert len(document["parties"]) == 10 and len(document["sources"]) == 18


def test_the_export_keeps_non_latin_text_readable(karabakh_with_corrections):
    text = dump_seed(export_agreement(karabakh_with_corrections))

    assert "Армения и Азербайджан обменялись пленными" in text
    assert yaml.safe_load(text)["format"] == 1


def test_the_command_writes_every_agreement_to_a_directory(karabakh_with_corrections, tmp_path):
    call_command("export_agreement", "--all", "--output", str(tmp_path))

    assert [path.name for path in tmp_path.iterdir()] == ["karabakh-2020.yaml"]


def test_the_public_download_does_not_name_the_monitors(client, karabakh_with_corrections):
    response = client.get(f"/agreements/{karabakh_with_corrections.slug}/export.json")

    assert response.status_code == 200
    assert "recorded_by" not in response.content.decode()
    assert "recorded_by" in dump_seed(export_agreement(karabakh_with_corrections))  # the backup command keeps them
