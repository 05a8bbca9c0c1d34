"""with_entry_flags() says, per commitment, whether it has any entry of each kind its page lists:
False must be exact, since the page then skips the query for that kind."""

import datetime as dt

import pytest

from commitments.models import Commitment, ReviewState, Status
from tests.factories import (
    add_claim,
    add_deadline_change,
    add_incident,
    add_status,
    make_agreement,
    make_commitment,
    make_meeting_worded_two_ways,
    make_party,
    make_provision,
)

pytestmark = pytest.mark.django_db

FLAGS = [
    "has_version_deadlines",
    "has_supervising_bodies",
    "has_agreement_texts",
    "has_deadline_changes",
    "has_claims",
    "has_incidents",
    "has_assessment_incidents",
]


def flags(commitment: Commitment) -> dict[str, bool]:
    row = Commitment.objects.with_entry_flags().get(pk=commitment.pk)
    return {flag: getattr(row, flag) for flag in FLAGS}


def test_a_commitment_with_only_an_assessment_has_no_entry_of_any_other_kind():
    commitment = make_commitment()
    add_status(commitment, Status.INTERMEDIATE, dt.date(2020, 12, 1))

    assert flags(commitment) == dict.fromkeys(FLAGS, False)


def test_each_kind_of_entry_sets_its_own_flag_and_no_other_commitments():
    agreement = make_agreement()
    commitment = make_commitment(make_provision(agreement, "6"))
    other = make_commitment(make_provision(make_agreement("other-agreement", title="Another agreement"), "1"))

    add_claim(commitment, make_party(), review_state=ReviewState.DRAFT)  # a draft is linked too
    add_deadline_change(commitment, dt.date(2020, 12, 1), dt.date(2020, 11, 20))
    commitment.supervising_bodies.set([make_party("unhcr", "UNHCR", kind="international_body")])
    add_incident(agreement, commitments=[commitment])
    rests_on = add_incident(agreement, location="Shusha")
    add_status(commitment, Status.VIOLATED, dt.date(2020, 12, 2), incidents=[rests_on])

    assert flags(commitment) == {
        **dict.fromkeys(FLAGS, True),
        "has_version_deadlines": False,
        "has_agreement_texts": False,
    }
    assert flags(other) == dict.fromkeys(FLAGS, False)


def test_other_versions_wordings_set_the_version_and_text_flags():
    meeting = make_meeting_worded_two_ways()

    assert flags(meeting)["has_version_deadlines"]
    assert flags(meeting)["has_agreement_texts"]
