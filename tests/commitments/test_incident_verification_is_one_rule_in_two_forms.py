"""An incident's verification comes from its sources: confirmed by an independent court or monitor,
corroborated by independent sources (the support rule), otherwise alleged. The row form
(Incident.verification) and the QuerySet form (with_verification) agree."""

import pytest

from commitments.models import Incident, IncidentEvidence, Source, Verification
from tests.factories import add_incident, make_party, make_source

pytestmark = pytest.mark.django_db


def incident_from(*sources: Source) -> Incident:
    return add_incident(evidence=[IncidentEvidence(source=source, quote="Reported.") for source in sources])


def both_forms(incident: Incident) -> tuple[str, str]:
    incident = Incident.objects.get(pk=incident.pk)
    return incident.verification(), Incident.objects.with_verification().get(pk=incident.pk).verification_level


def test_one_source_is_an_allegation():
    assert both_forms(incident_from(make_source("Azatutyun"))) == (Verification.ALLEGED,) * 2


def test_two_outlets_of_one_party_are_one_voice_and_an_allegation():
    russia = make_party("russia", "Russian Federation")
    tass, ria = make_source("TASS", affiliated_party=russia), make_source("RIA Novosti", affiliated_party=russia)

    assert both_forms(incident_from(tass, ria)) == (Verification.ALLEGED,) * 2


def test_parties_on_both_sides_without_an_independent_source_are_still_allegations():
    tass = make_source("TASS", affiliated_party=make_party("russia", "Russian Federation"))
    apa = make_source("APA", affiliated_party=make_party("azerbaijan", "Republic of Azerbaijan"))

    assert both_forms(incident_from(tass, apa)) == (Verification.ALLEGED,) * 2


def test_independent_sources_corroborate():
    tass = make_source("TASS", affiliated_party=make_party("russia", "Russian Federation"))

    assert both_forms(incident_from(make_source("Azatutyun"), tass)) == (Verification.CORROBORATED,) * 2
    assert both_forms(incident_from(make_source("Reuters"), make_source("AP"))) == (Verification.CORROBORATED,) * 2


@pytest.mark.parametrize("kind", [Source.Kind.COURT_DOCUMENT, Source.Kind.MONITOR_REPORT])
def test_an_independent_court_or_monitor_confirms(kind):
    assert both_forms(incident_from(make_source("The court", kind=kind))) == (Verification.CONFIRMED,) * 2


def test_a_court_or_monitor_of_a_party_does_not_confirm():
    party_court = make_source("Supreme Court", kind=Source.Kind.COURT_DOCUMENT, affiliated_party=make_party())

    assert both_forms(incident_from(party_court)) == (Verification.ALLEGED,) * 2


def test_the_queryset_filter_finds_each_level():
    alleged = incident_from(make_source("Azatutyun"))
    corroborated = incident_from(make_source("Reuters"), make_source("AP"))
    confirmed = incident_from(make_source("ICJ", kind=Source.Kind.COURT_DOCUMENT))

    assert list(Incident.objects.verified_as(Verification.ALLEGED)) == [alleged]
    assert list(Incident.objects.verified_as(Verification.CORROBORATED)) == [corroborated]
    assert list(Incident.objects.verified_as(Verification.CONFIRMED)) == [confirmed]
