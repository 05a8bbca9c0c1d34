"""The home page's figures count commitments in one grouped query per agreement and per party; each
count must agree with the commitments' own states (is_overdue, the stored flags, the status)."""

import datetime as dt
from collections import Counter

import pytest

from commitments.models import Commitment, Status
from tests.factories import add_status, make_agreement, make_commitment, make_party, make_provision

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2021, 3, 1, 12, tzinfo=dt.UTC)


def test_counts_by_agreement_and_by_party_agree_with_each_commitment():
    armenia, azerbaijan = make_party("armenia", "Republic of Armenia"), make_party("azerbaijan", "Azerbaijan")
    second = make_provision(make_agreement("second", title="Second statement"), "1")
    made = [
        make_commitment(parties=[armenia], deadline=dt.date(2021, 1, 1)),  # overdue, not assessed
        make_commitment(parties=[armenia, azerbaijan], deadline=dt.date(2021, 1, 1)),
        make_commitment(parties=[azerbaijan], deadline=dt.date(2021, 6, 1)),  # not due yet
        make_commitment(second, parties=[armenia], deadline=dt.date(2020, 12, 1)),
        make_commitment(second, parties=[azerbaijan], deadline=None),
    ]
    add_status(made[1], Status.FULFILLED, dt.date(2021, 1, 20))  # fulfilled late: not overdue
    add_status(made[3], Status.MINIMAL, dt.date(2021, 2, 1))  # under way and overdue
    Commitment.objects.filter(pk__in=[made[0].pk, made[3].pk]).update(is_disputed=True)
    Commitment.objects.filter(pk=made[3].pk).update(is_contested=True)
    commitments = list(
        Commitment.objects.select_related("provision__agreement").prefetch_related("responsible_parties")
    )

    by_agreement = Commitment.objects.counts_by_agreement(NOW)
    by_party = Commitment.objects.counts_by_party(NOW)

    for agreement_id in {c.provision_agreement_id for c in commitments}:
        own = [c for c in commitments if c.provision_agreement_id == agreement_id]
        counts = by_agreement[agreement_id]
        assert counts.by_status == dict(Counter(c.current_status for c in own))
        assert counts.overdue == sum(c.is_overdue(NOW) for c in own)
        assert counts.disputed == sum(c.is_disputed for c in own)
        assert counts.contested == sum(c.is_contested for c in own)
    for party in (armenia, azerbaijan):
        own = [c for c in commitments if party in c.responsible_parties.all()]
        assert by_party[party.pk].by_status == dict(Counter(c.current_status for c in own))
        assert by_party[party.pk].overdue == sum(c.is_overdue(NOW) for c in own)
    # The figures are not all zero or all equal: the data tells the counts apart.
    assert (by_party[armenia.pk].overdue, by_party[azerbaijan.pk].overdue) == (2, 0)
