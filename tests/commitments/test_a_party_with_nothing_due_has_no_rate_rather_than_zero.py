"""A party with nothing due yet has no on-time rate and no days late, rather than zeros (in a module
of its own: the other scorecard tests share Armenia's record, built once for their module)."""

import datetime as dt

import pytest

from tests.factories import make_agreement, make_commitment, make_party, make_provision

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 3, 1, tzinfo=dt.UTC)


def test_a_party_with_nothing_due_has_no_rate_rather_than_zero():
    party = make_party("france", "French Republic", "France")
    make_commitment(make_provision(make_agreement(), "5"), parties=[party], deadline=dt.date(2030, 1, 1))

    scorecard = party.scorecard(NOW)

    assert scorecard.due == 0 and scorecard.on_time_rate is None
    assert scorecard.mean_days_late is None and scorecard.worst_days_late is None
