"""The commitment page asks for each kind of entry only when the commitment has one (with_entry_flags):
a commitment with assessments alone costs the data version, itself, its parties, its assessments
and their evidence. The page's bound with every kind present is in test_dashboard_queries.py."""

import datetime as dt

import pytest

from commitments.models import Status
from tests.factories import add_status, make_commitment
from tests.query_counts import addresses_over_their_bound

pytestmark = pytest.mark.django_db


def test_a_commitment_with_assessments_alone_costs_five_queries(client):
    commitment = make_commitment()
    add_status(commitment, Status.MINIMAL, dt.date(2020, 11, 20))
    add_status(commitment, Status.INTERMEDIATE, dt.date(2020, 12, 1))

    over_bound = addresses_over_their_bound(client, {"page": commitment.get_absolute_url()}, {"page": 5})

    assert not over_bound, over_bound
