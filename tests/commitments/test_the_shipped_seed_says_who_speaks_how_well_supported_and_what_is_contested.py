"""The shipped seed says whose words each quote is, dates no more precisely than its sources,
labels each assessment's support, shows both kinds of contradiction, separates responsible
parties from supervising bodies, and holds Türkiye's side of the peacekeeping dispute."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from icalendar import Calendar

from commitments.models import Claim, Commitment, Evidence, Source, SpeechKind, StatusUpdate, Support

SEED = Path(settings.BASE_DIR) / "seeds" / "karabakh-2020.yaml"
AYVAZIAN_NARRATION = "Ayvazian also stressed the importance of the prisoner exchange, which has not yet begun."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def karabakh(karabakh_seed_loaded, db):
    pass


def commitment(code: str) -> Commitment:
    return Commitment.objects.select_related("provision__agreement").get(code=code)


def test_every_quote_says_whose_words_it_is():
    assert not Evidence.objects.filter(speech_kind="").exists()
    assert not Claim.objects.filter(speech_kind="").exists()
    lavrov_on_the_ceasefire = Evidence.objects.get(status_update__commitment__code="ceasefire", speech_kind="direct")
    assert (lavrov_on_the_ceasefire.speaker.name, lavrov_on_the_ceasefire.speaker.party.slug) == (
        "Sergei Lavrov",
        "russia",
    )


def test_the_reporters_narration_is_not_put_in_ayvazians_mouth():
    narration = Evidence.objects.filter(quote=AYVAZIAN_NARRATION)
    assert narration.count() == 2  # the first entry, and the entry that corrects it
    assert {item.speech_kind for item in narration} == {SpeechKind.SOURCE}
    assert all(item.speaker is None for item in narration)
    ayvazian = Claim.objects.get(speaker__name="Ara Ayvazian")
    assert ayvazian.speech_kind == SpeechKind.REPORTED  # the passage is Azatutyun's report of him


def test_the_prisoner_exchange_assessment_is_corrected_on_the_record_with_the_reason():
    corrected = StatusUpdate.objects.get(commitment__code="prisoner-exchange", corrects__isnull=False)
    assert corrected.corrects.summary.endswith("according to Armenia's foreign minister.")
    assert "reporter's narration" in corrected.correction_reason
    assert "Azatutyun reported" in corrected.summary


def test_lavrovs_2023_claim_says_the_mandate_means_something_else_and_is_dated_to_the_month():
    claims = Claim.objects.filter(commitment__code="peacekeeping-mandate").order_by("id")
    first, correction = claims
    assert (first.position, correction.position) == ("kept", "reinterprets")
    assert correction.corrects == first and correction.correction_reason
    assert correction.quote == "This issue no longer concerns the Armenian side"
    assert {claim.stated_on_precision for claim in claims} == {"month"}
    assert correction.display_stated_on() == "September 2023"


def test_the_deployment_assessment_from_a_month_only_source_is_dated_to_the_month():
    update = StatusUpdate.objects.get(commitment__code="peacekeeper-deployment", status="fulfilled")
    assert (update.as_of_precision, update.display_as_of()) == ("month", "September 2023")


def test_turkiyes_position_is_a_claim_reported_by_tass():
    claims = Claim.objects.filter(party__slug="turkey").select_related("speaker", "source")
    assert {claim.speaker.name for claim in claims} == {"Mevlut Cavusoglu", "Hulusi Akar"}
    for claim in claims:
        assert (claim.commitment.code, claim.position, claim.speech_kind) == (
            "monitoring-centre",
            "reinterprets",
            SpeechKind.REPORTED,
        )
        assert claim.source.publisher == "TASS"
        assert claim.source.affiliated_party.slug == "russia"
        assert "same grounds as their Russian counterparts" in claim.quote
        assert claim.stated_on_precision == "month"


def test_state_media_and_governments_are_party_sources():
    affiliated = {
        (source.publisher, source.affiliated_party.slug)
        for source in Source.objects.filter(affiliated_party__isnull=False).select_related("affiliated_party")
    }
    assert affiliated == {
        ("TASS", "russia"),
        ("Anadolu Agency", "turkey"),
        ("Ministry of Defence of Azerbaijan", "azerbaijan"),
    }


def test_every_support_label_appears_on_the_seed():
    levels = dict(Commitment.objects.values_list("code", "current_support").exclude(current_support=None))
    assert levels["lachin-handover"] == Support.CORROBORATED  # TASS and Azatutyun
    assert levels["kalbajar-handover"] == Support.PARTY_SOURCES_ONLY  # TASS only
    assert levels["peacekeeping-mandate"] == Support.PARTY_SOURCES_ONLY  # TASS and the Azerbaijani ministry
    assert levels["aghdam-handover"] == Support.ONE_SOURCE


def test_lavrovs_refugee_claim_contests_the_assessment_and_the_prisoner_exchange_stays_disputed():
    assert set(Commitment.objects.contested().values_list("code", flat=True)) == {"refugee-return"}
    [(claim, reason)] = commitment("refugee-return").contested_by()
    assert claim.quote == "there is a return of refugees"
    assert "never found it begun" in reason
    assert "prisoner-exchange" in set(Commitment.objects.disputed().values_list("code", flat=True))


def test_unhcr_supervises_the_returns_and_the_fsb_controls_transport_as_a_commitment_of_its_own():
    returns = commitment("refugee-return")
    assert {p.slug for p in returns.responsible_parties.all()} == {"azerbaijan", "armenia"}
    assert [p.slug for p in returns.supervising_bodies.all()] == ["unhcr"]
    assert [p.slug for p in commitment("nakhchivan-transport-safety").responsible_parties.all()] == ["armenia"]
    assert [p.slug for p in commitment("nakhchivan-transport-control").responsible_parties.all()] == [
        "fsb-border-guard-service"
    ]


def test_kalbajar_met_the_extended_deadline_ten_days_after_the_original():
    kalbajar = commitment("kalbajar-handover")
    assert kalbajar.met_extended_deadline()
    assert kalbajar.original_extended() == 10
    assert kalbajar.fulfilled_on() == dt.date(2020, 11, 25)


def test_the_deadlines_calendar_holds_the_mandates_first_term_never_reached(client):
    calendar = Calendar.from_ical(client.get("/agreements/karabakh-2020/deadlines.ics").content)
    events = {
        str(event["UID"]).split("@")[0]: (event["DTSTART"].dt, str(event["STATUS"]))
        for event in calendar.walk("VEVENT")
        if str(event["UID"]).startswith("karabakh-2020/peacekeeping-mandate/")
    }

    assert events == {
        "karabakh-2020/peacekeeping-mandate/term-1-notice": (dt.date(2025, 5, 10), "CANCELLED"),
        "karabakh-2020/peacekeeping-mandate/term-1-expiry": (dt.date(2025, 11, 10), "CANCELLED"),
    }
