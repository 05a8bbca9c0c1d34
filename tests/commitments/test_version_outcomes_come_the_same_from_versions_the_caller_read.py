"""A commitment's outcomes under each published version of its text come out the same from the
version deadlines a caller already read (the API reads a whole page's at once) as from those the
commitment reads itself, and then without a query."""

import datetime as dt

import pytest

from commitments.models import Commitment, VersionDeadline
from tests.factories import add_status, make_meeting_worded_two_ways

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 6, 1, tzinfo=dt.UTC)


def test_the_outcomes_from_the_versions_given_are_those_the_commitment_reads(django_assert_num_queries):
    meeting = make_meeting_worded_two_ways()
    add_status(meeting, "fulfilled", dt.date(2021, 1, 30))
    commitment = Commitment.objects.select_related("provision__agreement").get(pk=meeting.pk)
    versions = list(VersionDeadline.objects.filter(commitment=commitment).select_related("text"))

    with django_assert_num_queries(0):
        given = commitment.version_outcomes(NOW, versions)

    assert given == commitment.version_outcomes(NOW)
    assert [(outcome.text.label, outcome.verdict()) for outcome in given] == [
        ("Aravot", "on time"),
        ("Presidency", "1 day late"),
    ]
