"""A claim is never recorded without its source (and quote and speaker); a deadline change never
without its source, nor with a source published before the decision (a month-only source
compares by month). The rule holds in the model layer: the admin, the seed loader and a shell
meet it alike, with a clear message."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from commitments.models import Claim, DeadlineChange, Source
from commitments.seeding import SeedError, load_agreement_file
from tests.factories import PUBLISHED, make_commitment, make_party, make_source, make_speaker


@pytest.fixture
def kalbajar(db):
    return make_commitment(deadline=dt.date(2020, 11, 15))


def test_a_claim_without_a_source_is_refused_with_a_clear_message(kalbajar, armenia):
    claim = Claim(
        commitment=kalbajar,
        party=armenia,
        speaker=make_speaker("Ara Ayvazian", "Armenian foreign minister", armenia),
        stated_on=dt.date(2020, 12, 7),
        position="not_started",
        summary="Not begun.",
        quote="It has not begun.",
    )

    with pytest.raises(ValidationError) as refused:
        claim.save()

    assert refused.value.message_dict["source"] == ["Name the source that reports the claim."]
    assert not Claim.objects.exists()


def test_a_claim_whose_speaker_speaks_for_another_party_is_refused(kalbajar, armenia, russia, source):
    with pytest.raises(ValidationError, match="speaks for"):
        Claim.objects.create(
            commitment=kalbajar,
            party=armenia,
            speaker=make_speaker("Sergei Lavrov", "Russian foreign minister", russia),
            stated_on=dt.date(2020, 12, 7),
            position="kept",
            summary="Kept.",
            source=source,
            quote="Kept.",
        )


def decision(kalbajar, source, decided_on=dt.date(2020, 11, 30)) -> DeadlineChange:
    return DeadlineChange(
        commitment=kalbajar,
        new_deadline=dt.date(2020, 12, 5),
        decided_on=decided_on,
        reason="More time.",
        source=source,
        **PUBLISHED,
    )


def test_a_source_published_before_the_decision_is_refused(kalbajar):
    older = make_source("JAMnews", "Deadline report", dt.date(2020, 11, 15))

    with pytest.raises(ValidationError, match="cannot report a decision made after it was published"):
        decision(kalbajar, older).save()

    assert not DeadlineChange.objects.exists()
    kalbajar.refresh_from_db()
    assert kalbajar.deadline_in_force == dt.date(2020, 11, 15)


def test_a_source_of_the_day_of_the_decision_or_later_is_accepted(kalbajar):
    decision(kalbajar, make_source("JAMnews", "Same day", dt.date(2020, 11, 30))).save()

    kalbajar.refresh_from_db()
    assert kalbajar.deadline_in_force == dt.date(2020, 12, 5)


def test_a_month_only_source_compares_by_month(kalbajar):
    november = make_source("TASS", "Some day in November", dt.date(2020, 11, 1), published_on_precision="month")
    october = make_source("TASS", "Some day in October", dt.date(2020, 10, 1), published_on_precision="month")

    with pytest.raises(ValidationError):
        decision(kalbajar, october).save()
    decision(kalbajar, november, decided_on=dt.date(2020, 11, 30)).save()  # the same month: it may report it

    assert DeadlineChange.objects.get().source == november


def test_the_admin_refuses_a_decision_later_than_its_source_and_saves_nothing(
    client, agreement, monitors_group, kalbajar
):
    user = User.objects.create_user("monitor", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    agreement.monitors.add(user)
    client.force_login(user)
    older = make_source("JAMnews", "Deadline report", dt.date(2020, 11, 15))

    response = client.post(
        reverse("admin:commitments_deadlinechange_add"),
        {
            "commitment": kalbajar.pk,
            "new_deadline": "2026-12-31",
            "decided_on": "2026-11-30",
            "agreed_by": [make_party().pk],
            "reason": "Forged.",
            "source": older.pk,
            "new_source_precision": "day",
            "new_source_language": "en",
            "new_source_kind": "news_report",
        },
    )

    assert response.status_code == 200
    assert "cannot report a decision made after it was published" in response.content.decode()
    assert not DeadlineChange.objects.exists()


SEED = """
format: 1
parties:
  - {slug: armenia, name: Republic of Armenia, kind: state}
  - {slug: azerbaijan, name: Republic of Azerbaijan, kind: state}
sources:
  - {key: old, publisher: JAMnews, title: "[Report]", published_on: 2020-11-15, language: en, kind: news_report}
agreement: {slug: seeded, title: Seeded, signed_on: 2020-11-09, time_zone: Europe/Moscow, entry_into_force: "2020-11-10T00:00:00"}
provisions:
  - number: "6"
    text: A point.
    commitments:
      - code: handover
        title: Handover
        description: Armenia hands over.
        responsible: [armenia]
        category: territorial_handover
        deadline: {kind: date, date: 2020-11-15}
        deadline_changes:
          - {new_deadline: 2026-12-31, decided_on: 2026-11-30, agreed_by: [azerbaijan], reason: Forged., source: old}
"""


def test_the_seed_loader_refuses_a_decision_later_than_its_source(db, tmp_path):
    path = tmp_path / "seed.yaml"
    path.write_text(SEED, encoding="utf-8")

    with pytest.raises(SeedError, match="deadline_changes\\[0\\].*cannot report a decision"):
        load_agreement_file(path)

    assert not DeadlineChange.objects.exists() and not Source.objects.exists()
