"""An incident bears only on commitments of its own agreement, and an assessment rests only on
incidents of its own agreement; a "violated" assessment names the incidents it rests on."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Evidence, Incident, Status, StatusUpdate
from tests.factories import add_incident, add_status, make_agreement, make_commitment, make_provision, make_source

pytestmark = pytest.mark.django_db


def other_agreements_commitment():
    other = make_agreement("other-2024", title="Another ceasefire", signed_on=dt.date(2020, 11, 1))
    return make_commitment(make_provision(other, "1"), title="Another ceasefire holds", deadline=None)


def test_an_incident_cannot_bear_on_another_agreements_commitment():
    with pytest.raises(ValidationError, match="its own agreement"):
        add_incident(commitments=[other_agreements_commitment()])

    assert Incident.objects.count() == 0


def test_a_violated_assessment_names_the_incidents_it_rests_on():
    ceasefire = make_commitment(title="Ceasefire", deadline=None)
    incident = add_incident(commitments=[ceasefire])

    update = add_status(ceasefire, Status.VIOLATED, dt.date(2020, 12, 2), incidents=[incident])

    assert list(update.incidents.all()) == [incident]
    assert list(incident.assessments.all()) == [update]


def test_an_assessment_cannot_rest_on_another_agreements_incident():
    foreign = other_agreements_commitment()
    incident = add_incident(foreign.agreement, commitments=[foreign])
    ceasefire = make_commitment(title="Ceasefire", deadline=None)

    with pytest.raises(ValidationError, match="its own agreement"):
        StatusUpdate.objects.record(
            commitment=ceasefire,
            status=Status.VIOLATED,
            as_of=dt.date(2020, 12, 2),
            summary="Violated.",
            evidence=[Evidence(source=make_source(), quote="Shots.")],
            incidents=[incident],
        )

    assert StatusUpdate.objects.count() == 0
