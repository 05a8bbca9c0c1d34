"""Who is speaking: a Speaker is a person in an office who speaks for a party; each piece of
evidence says whether it is the source's own words, a speaker's words quoted directly, or the
source's report of them; a claim's quote is the speaker's own words or marked as a report."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commitments.models import Claim, Evidence, Speaker, SpeechKind
from tests.factories import add_claim, add_status, make_commitment, make_speaker

pytestmark = pytest.mark.django_db


def test_a_speaker_is_unique_by_name_office_and_party_and_reads_as_name_and_office(russia, armenia):
    lavrov = Speaker.objects.create(name="Sergei Lavrov", role="Russian foreign minister", party=russia)
    Speaker.objects.create(name="Ara Ayvazian", role="Armenian foreign minister", party=armenia)

    assert str(lavrov) == "Sergei Lavrov, Russian foreign minister"
    assert [s.name for s in Speaker.objects.all()] == ["Ara Ayvazian", "Sergei Lavrov"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Speaker.objects.create(name="Sergei Lavrov", role="Russian foreign minister", party=russia)


def test_name_and_office_text_splits_into_a_speaker_and_back_unchanged():
    for text in ("Sergei Lavrov, Russian foreign minister", "A minister", "Ilham Aliyev, President of Azerbaijan"):
        name, role = Speaker.split(text)
        assert str(Speaker(name=name, role=role)) == text
    assert Speaker.split("Ilham Aliyev, President of Azerbaijan") == ("Ilham Aliyev", "President of Azerbaijan")


def test_the_speaker_admin_finds_speakers_by_name_office_or_party(client, russia):
    make_speaker("Sergei Lavrov", "Russian foreign minister", russia)
    client.force_login(User.objects.create_superuser("admin", password="pw"))

    for query in ("lavrov", "foreign minister", "Russian Federation"):
        response = client.get(reverse("admin:commitments_speaker_changelist"), {"q": query})
        assert [str(s) for s in response.context["cl"].result_list] == ["Sergei Lavrov, Russian foreign minister"]


@pytest.mark.parametrize(
    ("speech_kind", "with_speaker", "verbatim", "problem"),
    [
        (SpeechKind.DIRECT, False, True, "speaker"),  # whose words, then?
        (SpeechKind.REPORTED, False, True, "speaker"),
        (SpeechKind.SOURCE, True, True, "speaker"),  # the source's own words have no speaker
        (SpeechKind.DIRECT, True, False, "is_verbatim"),  # a speaker's own words are word for word
    ],
)
def test_evidence_that_mixes_up_whose_words_it_quotes_is_refused(
    source, armenia, speech_kind, with_speaker, verbatim, problem
):
    evidence = Evidence(
        source=source,
        quote="The exchange has not yet begun.",
        speech_kind=speech_kind,
        speaker=make_speaker("Ara Ayvazian", "Armenian foreign minister", armenia) if with_speaker else None,
        is_verbatim=verbatim,
    )

    with pytest.raises(ValidationError) as refused:
        evidence.clean()

    assert problem in refused.value.message_dict


def test_a_claim_is_a_speakers_words_never_the_sources_own(source, armenia):
    claim = add_claim(make_commitment(), armenia, "Ara Ayvazian, Armenian foreign minister", source=source)
    claim.speech_kind = SpeechKind.SOURCE

    with pytest.raises(ValidationError) as refused:
        claim.full_clean()

    assert "speech_kind" in refused.value.message_dict
    assert {value for value, _ in Claim._meta.get_field("speech_kind").choices} == {"direct", "reported"}


def test_the_page_says_who_reported_and_who_said(client, source, armenia):
    commitment = make_commitment(deadline=None, title="Exchange of prisoners")
    ayvazian = make_speaker("Ara Ayvazian", "Armenian foreign minister", armenia)
    narration = Evidence(source=source, quote="The exchange has not yet begun.", speech_kind=SpeechKind.SOURCE)
    own_words = Evidence(
        source=source, quote="We hope there will be no obstacles.", speech_kind=SpeechKind.DIRECT, speaker=ayvazian
    )
    add_status(commitment, "not_started", dt.date(2020, 12, 7), evidence=[narration, own_words])
    add_claim(
        commitment,
        armenia,
        ayvazian,
        source=source,
        quote="Ayvazian also stressed the importance of the exchange, which has not yet begun.",
        speech_kind=SpeechKind.REPORTED,
    )

    html = client.get(commitment.get_absolute_url()).content.decode()

    assert "Azatutyun reported:</p>" in html
    assert '<span class="speaker">Ara Ayvazian</span> said:' in html
    assert "Azatutyun reported what Ara Ayvazian said (in the source's words, not the speaker's):" in html
