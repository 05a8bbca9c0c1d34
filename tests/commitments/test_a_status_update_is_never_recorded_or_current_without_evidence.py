"""A status update is never saved, nor shown as the current assessment, without at least one
piece of evidence with a source and a quote: through the admin (even a forged formset with
evidence-TOTAL_FORMS=0), the ORM as a shell uses it, and the seed loader alike."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commitments.models import Evidence, Status, StatusUpdate
from commitments.review import publish
from commitments.seeding import SeedError, load_agreement_file
from tests.factories import PUBLISHED, add_status, make_commitment, make_source

ADD_URL = reverse("admin:commitments_statusupdate_add")


@pytest.fixture
def monitor_client(client, agreement, monitors_group):
    user = User.objects.create_user("monitor", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    agreement.monitors.add(user)
    client.force_login(user)
    return client


@pytest.fixture
def kalbajar(db, source):
    commitment = make_commitment(deadline=dt.date(2020, 11, 15))
    add_status(commitment, Status.MINIMAL, dt.date(2020, 11, 16), source, "The handover has begun.")
    return commitment


def public_status(client, commitment) -> str:
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 200
    return response.context["commitment"].current_status


def forged_post(commitment, **evidence) -> dict:
    return {
        "commitment": commitment.pk,
        "status": "fulfilled",
        "as_of": "2020-11-25",
        "summary": "Handed over.",
        "evidence-TOTAL_FORMS": str(len(evidence) and 1),
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "1",
        "evidence-MAX_NUM_FORMS": "1000",
        **{f"evidence-0-{name}": value for name, value in evidence.items()},
    }


def test_a_forged_admin_formset_with_no_evidence_saves_nothing_and_the_public_status_stays(
    monitor_client, client, kalbajar
):
    before = StatusUpdate.objects.count()

    response = monitor_client.post(ADD_URL, forged_post(kalbajar))

    assert response.status_code == 200  # the form again, with the error
    assert "Please submit at least 1 form." in str(
        response.context["inline_admin_formsets"][0].formset.non_form_errors()
    )
    assert StatusUpdate.objects.count() == before
    kalbajar.refresh_from_db()
    assert kalbajar.current_status == Status.MINIMAL
    assert public_status(client, kalbajar) == Status.MINIMAL


def test_the_admin_records_an_update_and_its_evidence_together(monitor_client, client, kalbajar, source):
    response = monitor_client.post(
        ADD_URL, forged_post(kalbajar, source=source.pk, quote="Handed over on 25 November.", speech_kind="source")
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    update = StatusUpdate.objects.get(status=Status.FULFILLED)
    assert [item.quote for item in update.evidence.all()] == ["Handed over on 25 November."]
    # A draft until a second monitor publishes it; then it is the current assessment.
    assert public_status(client, kalbajar) == Status.MINIMAL
    reviewer = User.objects.create_user("reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Monitors"))
    publish(update, by=reviewer, now=timezone.now())
    assert public_status(client, kalbajar) == Status.FULFILLED


def test_the_orm_refuses_a_status_update_without_evidence_with_a_clear_message(kalbajar):
    with pytest.raises(ValidationError, match="at least one piece of evidence"):
        StatusUpdate.objects.create(commitment=kalbajar, status="fulfilled", as_of=dt.date(2020, 11, 25), summary="")
    with pytest.raises(ValidationError, match="at least one piece of evidence"):
        StatusUpdate.objects.record(
            commitment=kalbajar, status="fulfilled", as_of=dt.date(2020, 11, 25), summary="", evidence=[]
        )

    assert StatusUpdate.objects.filter(status="fulfilled").count() == 0
    kalbajar.refresh_from_db()
    assert kalbajar.current_status == Status.MINIMAL


def test_evidence_without_a_source_or_a_quote_saves_nothing(kalbajar, source):
    for evidence, field in ((Evidence(quote="Handed over."), "source"), (Evidence(source=source, quote=" "), "quote")):
        with pytest.raises(ValidationError) as refused:
            StatusUpdate.objects.record(
                commitment=kalbajar, status="fulfilled", as_of=dt.date(2020, 11, 25), summary="", evidence=[evidence]
            )
        assert field in refused.value.message_dict

    assert not StatusUpdate.objects.filter(status="fulfilled").exists()


def test_an_update_left_without_evidence_is_not_the_current_assessment(kalbajar, source):
    # An update without evidence from before the rule (or written past the ORM, in bulk).
    [legacy] = StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                commitment=kalbajar, status="fulfilled", as_of=dt.date(2020, 11, 30), summary="Unsourced.", **PUBLISHED
            )
        ]
    )
    kalbajar.refresh_status()

    assert kalbajar.current_status == Status.MINIMAL
    assert legacy not in kalbajar.status_updates.current()
    assert kalbajar.status_updates.current().first().status == Status.MINIMAL

    # Its evidence, added later, makes it count; deleting the evidence again takes it back.
    evidence = Evidence.objects.create(status_update=legacy, source=source, quote="Handed over.")
    kalbajar.refresh_from_db()
    assert kalbajar.current_status == Status.FULFILLED
    evidence.delete()
    kalbajar.refresh_from_db()
    assert kalbajar.current_status == Status.MINIMAL


SEED_WITHOUT_EVIDENCE = """
format: 1
parties:
  - {slug: armenia, name: Republic of Armenia, kind: state}
agreement: {slug: seeded, title: Seeded, signed_on: 2020-11-09, time_zone: Europe/Moscow, entry_into_force: "2020-11-10T00:00:00"}
provisions:
  - number: "1"
    text: A point.
    commitments:
      - code: handover
        title: Handover
        description: Armenia hands over.
        responsible: [armenia]
        category: territorial_handover
        deadline: {kind: none}
        status_updates:
          - {status: fulfilled, as_of: 2020-11-20, summary: Done., evidence: []}
"""


def test_the_seed_loader_refuses_a_status_update_without_evidence_and_loads_nothing(db, tmp_path):
    path = tmp_path / "seed.yaml"
    path.write_text(SEED_WITHOUT_EVIDENCE, encoding="utf-8")

    with pytest.raises(SeedError, match="at least one piece of evidence"):
        load_agreement_file(path)

    assert not StatusUpdate.objects.exists()


def test_the_admin_refuses_a_date_more_precise_than_the_sources_with_the_form_again(monitor_client, kalbajar):
    month_only = make_source("PanARMENIAN Network", "Lavrov", dt.date(2020, 11, 1), published_on_precision="month")
    data = forged_post(kalbajar, source=month_only.pk, quote="Still there.", speech_kind="source")

    response = monitor_client.post(ADD_URL, {**data, "as_of": "2020-11-01", "precision": "day"})

    assert response.status_code == 200
    assert "no more precisely than" in str(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert not StatusUpdate.objects.filter(status="fulfilled").exists()

    response = monitor_client.post(ADD_URL, {**data, "as_of": "2020-11-01"})  # as precise as the source
    assert response.status_code == 302
    assert StatusUpdate.objects.get(status="fulfilled").as_of_precision == "month"
