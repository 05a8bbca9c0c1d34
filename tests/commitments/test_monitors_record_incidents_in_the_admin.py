"""Monitors record incidents in the admin — with their evidence and casualty reports inline, in one
save or none — only for the agreements assigned to them; recorded incidents are read-only to them
(more evidence can be added), and a forged form without evidence saves nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from commitments.models import CasualtyReport, Incident, IncidentEvidence, ReviewState
from tests.factories import add_incident, make_agreement, make_commitment, make_provision

pytestmark = pytest.mark.django_db

ADD = reverse("admin:commitments_incident_add")


@pytest.fixture
def monitor(agreement, monitors_group) -> User:
    user = User.objects.create_user("monitor", password="pw", is_staff=True)
    user.groups.add(monitors_group)
    agreement.monitors.add(user)
    return user


@pytest.fixture
def monitor_client(client, monitor):
    client.force_login(monitor)
    return client


@pytest.fixture
def ceasefire(agreement):
    return make_commitment(make_provision(agreement, "1"), title="Ceasefire", deadline=None)


def incident_form(agreement, source, commitments=(), evidence=1, casualties=(), **fields) -> dict:
    data = {
        "agreement": agreement.pk,
        "occurred_on": "2020-12-01",
        "time_precision": "1",
        "location": "Hin Tagher",
        "country": "Azerbaijan",
        "geo_precision": "1",
        "latitude": "39.6",
        "longitude": "46.9",
        "event_type": "explosions_remote_violence",
        "sub_event_type": "shelling_artillery_missile_attack",
        "summary": "Shelling of the village.",
        "commitments": [str(c.pk) for c in commitments],
        "evidence-TOTAL_FORMS": str(evidence),
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "1",
        "evidence-MAX_NUM_FORMS": "1000",
        "casualty_reports-TOTAL_FORMS": str(len(casualties)),
        "casualty_reports-INITIAL_FORMS": "0",
        "casualty_reports-MIN_NUM_FORMS": "0",
        "casualty_reports-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index in range(evidence):
        data.update(
            {
                f"evidence-{index}-source": str(source.pk),
                f"evidence-{index}-quote": "Shells hit the village overnight.",
                f"evidence-{index}-is_verbatim": "on",
                f"evidence-{index}-speech_kind": "source",
            }
        )
    for index, (kind, group, minimum) in enumerate(casualties):
        data.update(
            {
                f"casualty_reports-{index}-kind": kind,
                f"casualty_reports-{index}-group": group,
                f"casualty_reports-{index}-minimum": str(minimum),
                f"casualty_reports-{index}-source": str(source.pk),
            }
        )
    return data


def test_a_monitor_records_an_incident_with_evidence_casualties_and_commitments(
    monitor_client, monitor, agreement, source, ceasefire
):
    response = monitor_client.post(
        ADD, incident_form(agreement, source, [ceasefire], casualties=[("fatalities", "civilians", 2)])
    )

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    incident = Incident.objects.get()
    assert incident.recorded_by == monitor
    assert incident.evidence.get().quote == "Shells hit the village overnight."
    assert list(incident.commitments.all()) == [ceasefire]
    assert incident.casualties().total(CasualtyReport.Kind.FATALITIES) == 2


def test_a_forged_form_without_evidence_saves_nothing(monitor_client, agreement, source):
    response = monitor_client.post(ADD, incident_form(agreement, source, evidence=0))

    assert response.status_code == 200
    assert Incident.objects.count() == 0


def test_a_mismatched_sub_event_type_gets_the_form_back(monitor_client, agreement, source):
    response = monitor_client.post(ADD, incident_form(agreement, source, sub_event_type="peaceful_protest"))

    assert response.status_code == 200
    assert "sub_event_type" in response.context["adminform"].form.errors
    assert Incident.objects.count() == 0


def test_a_source_published_before_the_incident_gets_the_form_back(monitor_client, agreement, source):
    response = monitor_client.post(ADD, incident_form(agreement, source, occurred_on="2020-12-08"))

    assert response.status_code == 200
    assert "before the incident" in str(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert Incident.objects.count() == 0


def test_a_commitment_of_another_agreement_gets_the_form_back(client, agreement, source, monitors_group):
    boss = User.objects.create_superuser("boss", password="pw")
    client.force_login(boss)
    other = make_agreement("other", title="Another ceasefire")
    foreign = make_commitment(make_provision(other, "1"), title="Another ceasefire holds", deadline=None)

    response = client.post(ADD, incident_form(agreement, source, [foreign]))

    assert response.status_code == 200
    assert "commitments" in response.context["adminform"].form.errors
    assert Incident.objects.count() == 0


def test_a_monitor_sees_and_records_only_for_assigned_agreements(monitor_client, agreement, source):
    mine = add_incident(agreement, location="Mine")
    other = make_agreement("other", title="Another ceasefire")
    theirs = add_incident(other, location="Theirs")

    listing = monitor_client.get(reverse("admin:commitments_incident_changelist"))
    assert [i.location for i in listing.context["cl"].result_list] == ["Mine"]
    assert monitor_client.get(reverse("admin:commitments_incident_change", args=[theirs.pk])).status_code == 302
    response = monitor_client.post(ADD, incident_form(other, source))
    assert "agreement" in response.context["adminform"].form.errors
    assert Incident.objects.count() == 2 and mine.pk


def test_a_recorded_incident_is_read_only_but_its_authors_draft_takes_more_evidence(
    monitor_client, monitor, agreement, source
):
    incident = add_incident(
        agreement, summary="As recorded.", review_state=ReviewState.DRAFT, published_via="", recorded_by=monitor
    )
    url = reverse("admin:commitments_incident_change", args=[incident.pk])

    page = monitor_client.get(url)
    assert page.status_code == 200
    assert "summary" not in page.context["adminform"].form.fields
    data = {
        "evidence-TOTAL_FORMS": "2",
        "evidence-INITIAL_FORMS": "1",
        "evidence-MIN_NUM_FORMS": "1",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-id": str(incident.evidence.get().pk),
        "evidence-0-incident": str(incident.pk),
        "evidence-1-source": str(source.pk),
        "evidence-1-quote": "A second report.",
        "evidence-1-speech_kind": "source",
        "evidence-1-is_verbatim": "on",
        "casualty_reports-TOTAL_FORMS": "0",
        "casualty_reports-INITIAL_FORMS": "0",
        "casualty_reports-MIN_NUM_FORMS": "0",
        "casualty_reports-MAX_NUM_FORMS": "1000",
        "summary": "Rewritten.",
    }
    response = monitor_client.post(url, data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.summary == "As recorded."
    assert IncidentEvidence.objects.filter(incident=incident).count() == 2


def test_a_published_incident_opens_view_only_and_refuses_a_change(monitor_client, agreement, source):
    incident = add_incident(agreement, summary="As recorded.")  # published
    url = reverse("admin:commitments_incident_change", args=[incident.pk])

    page = monitor_client.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert monitor_client.post(url, {"summary": "Rewritten."}).status_code == 403
    incident.refresh_from_db()
    assert incident.summary == "As recorded." and incident.evidence.count() == 1


def test_a_new_incident_is_a_draft_that_a_second_monitor_publishes(monitor, agreement, monitors_group):
    from django.utils import timezone

    from commitments.review import publish, queue_counts

    incident = add_incident(agreement, review_state=ReviewState.DRAFT, published_via="", recorded_by=monitor)
    assert not Incident.objects.on_record().filter(pk=incident.pk).exists()
    reviewer = User.objects.create_user("reviewer", password="pw", is_staff=True)
    reviewer.groups.add(monitors_group)
    agreement.monitors.add(reviewer)
    assert queue_counts(reviewer)["incident"] == 1 and queue_counts(monitor)["incident"] == 0

    publish(incident, by=reviewer, now=timezone.now())

    assert Incident.objects.on_record().filter(pk=incident.pk).exists()
    assert incident.review_label() == "reviewed by a second monitor"


def test_a_monitor_records_a_violated_assessment_resting_on_an_incident(monitor_client, agreement, source, ceasefire):
    incident = add_incident(agreement, commitments=[ceasefire])

    response = monitor_client.post(
        reverse("admin:commitments_statusupdate_add"),
        {
            "commitment": ceasefire.pk,
            "status": "violated",
            "as_of": "2020-12-07",
            "summary": "Shelling broke the ceasefire.",
            "incidents": [str(incident.pk)],
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-MIN_NUM_FORMS": "1",
            "evidence-MAX_NUM_FORMS": "1000",
            "evidence-0-source": str(source.pk),
            "evidence-0-quote": "The ceasefire was broken.",
            "evidence-0-speech_kind": "source",
            "evidence-0-is_verbatim": "on",
        },
    )

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert [u.summary for u in incident.assessments.all()] == ["Shelling broke the ceasefire."]
    assert dt.date(2020, 12, 7) == ceasefire.status_updates.get().as_of
