"""An incident is written together with its evidence or not at all, below the forms, with the
rules of an assessment's evidence: a source, a quote, and whose words it is."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Incident, IncidentEvidence, SpeechKind
from tests.factories import add_incident, make_agreement, make_commitment, make_source, make_speaker

pytestmark = pytest.mark.django_db


def new_incident(**fields) -> Incident:
    return Incident(
        agreement=make_agreement(),
        occurred_on=dt.date(2020, 12, 1),
        event_type="battles",
        sub_event_type="armed_clash",
        location="Hadrut",
        country="Azerbaijan",
        geo_precision=2,
        summary="A clash.",
        **fields,
    )


def test_record_refuses_an_incident_without_evidence_and_saves_nothing():
    with pytest.raises(ValidationError, match="at least one piece of evidence"):
        new_incident().record([])

    assert Incident.objects.count() == 0


def test_save_refuses_a_new_incident_without_evidence_whoever_calls_it():
    with pytest.raises(ValidationError, match="at least one piece of evidence"):
        new_incident().save()

    assert Incident.objects.count() == 0


def test_evidence_without_a_quote_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as refused:
        new_incident().record([IncidentEvidence(source=make_source(), quote="  ")])

    assert "reports the incident" in str(refused.value)
    assert Incident.objects.count() == 0 and IncidentEvidence.objects.count() == 0


def test_a_speakers_words_name_the_speaker_and_are_word_for_word():
    source = make_source()
    with pytest.raises(ValidationError, match="Name the speaker"):
        new_incident().record(
            [IncidentEvidence(source=source, quote="We were shelled.", speech_kind=SpeechKind.DIRECT)]
        )
    speaker = make_speaker("Ara Ayvazian", "Armenian foreign minister")
    with pytest.raises(ValidationError, match="word for word"):
        new_incident().record(
            [
                IncidentEvidence(
                    source=source, quote="Shelled.", speech_kind=SpeechKind.DIRECT, speaker=speaker, is_verbatim=False
                )
            ]
        )

    assert Incident.objects.count() == 0


def test_an_incident_with_evidence_is_recorded_with_all_of_it():
    commitment = make_commitment(title="Ceasefire", deadline=None)

    incident = add_incident(
        commitments=[commitment],
        evidence=[
            IncidentEvidence(source=make_source("Azatutyun"), quote="Shots were fired."),
            IncidentEvidence(source=make_source("TASS"), quote="An exchange of fire was reported.", is_verbatim=False),
        ],
    )

    incident.refresh_from_db()
    assert [item.source.publisher for item in incident.evidence.order_by("pk")] == ["Azatutyun", "TASS"]
    assert list(incident.commitments.all()) == [commitment]
    assert list(commitment.incidents.all()) == [incident]
