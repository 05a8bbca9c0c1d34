"""The record pages' choosers: exact and short-name matches first ("Azerbaijan" picks the Republic of
Azerbaijan, not the office of its President), the commitment found by agreement, point and title (not by
the provision's text), every option labelled as a monitor recognises it; a correction without its
target is refused with a message and nothing is saved."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from commitments.models import Party, StatusUpdate
from tests.factories import karabakh_like, make_agreement, make_commitment, make_monitor, make_party, make_provision

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    data = karabakh_like()
    make_party("az-president", "President of the Republic of Azerbaijan", kind=Party.Kind.STATE)
    data.monitor = make_monitor("author", agreement=data.agreement)
    data.monitor.groups.add(Group.objects.get(name="Monitors"))
    client.force_login(data.monitor)
    return data


def choices(client, model: str, field: str, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "commitments", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_the_party_typed_exactly_comes_first(client, desk):
    found = choices(client, "claim", "party", "Azerbaijan")
    assert found[0] == "Republic of Azerbaijan (Azerbaijan) — State"
    assert "President of the Republic of Azerbaijan — State" in found[1:]


def test_the_commitment_chooser_searches_agreement_point_and_title_not_the_provision_text(client, desk):
    assert choices(client, "statusupdate", "commitment", "Kalbajar") == [
        "Ceasefire statement · point 6 · Return of the Kalbajar district"
    ]
    # "returned by 15 November" is only in point 6's text: it finds nothing.
    assert choices(client, "statusupdate", "commitment", "returned by 15 November") == []


def test_the_commitment_chooser_offers_only_the_monitors_agreements(client, desk):
    other = make_agreement(slug="other", title="Another agreement", short_title="Another")
    make_commitment(make_provision(other, "1", "Another point."), title="Return of the other district", code="x")
    assert choices(client, "statusupdate", "commitment", "Return of the") == [
        "Ceasefire statement · point 2 · Return of the Aghdam district",
        "Ceasefire statement · point 6 · Return of the Kalbajar district",
    ]


def test_a_corrections_target_is_labelled_with_commitment_status_date_and_words(client, desk):
    (label,) = choices(client, "statusupdate", "corrects", "Aghdam")
    assert "Return of the Aghdam district" in label
    assert "Fulfilled" in label and "2020" in label
    assert "“Assessed fulfilled.”" in label  # the first words of its summary


def test_a_correction_without_its_target_is_refused_and_nothing_is_saved(client, desk):
    before = StatusUpdate.objects.count()
    response = client.post(
        reverse("admin:commitments_statusupdate_add"),
        {
            "commitment": desk.aghdam.pk,
            "status": "not_started",
            "as_of": "2020-11-21",
            "summary": "Aghdam was not handed over after all.",
            "is_correction": "on",
            "correction_reason": "The earlier report was wrong.",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-MIN_NUM_FORMS": "1",
            "evidence-MAX_NUM_FORMS": "1000",
            "evidence-0-source": desk.al_jazeera.pk,
            "evidence-0-quote": "Aghdam is still held.",
            "evidence-0-speech_kind": "source",
        },
    )
    assert response.status_code == 200
    assert "A correction names the entry it corrects" in response.content.decode()
    assert StatusUpdate.objects.count() == before
    assert dt.date(2020, 11, 21) not in StatusUpdate.objects.values_list("as_of", flat=True)
