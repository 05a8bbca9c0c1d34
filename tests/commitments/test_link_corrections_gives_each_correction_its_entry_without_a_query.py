"""link_corrections() gives each of a commitment's assessments that corrects another of them that entry
without a query (the commitment page's history); one whose corrected entry is not among them reads it."""

import datetime as dt

import pytest

from commitments.models import Status, StatusUpdate, link_corrections
from tests.factories import add_status, make_commitment

pytestmark = pytest.mark.django_db


def test_a_correction_among_the_updates_gets_its_entry_without_a_query(django_assert_num_queries):
    commitment = make_commitment()
    first = add_status(commitment, Status.MINIMAL, dt.date(2020, 11, 20))
    add_status(commitment, Status.INTERMEDIATE, dt.date(2020, 11, 27), corrects=first, correction_reason="Misdated.")
    updates = list(StatusUpdate.objects.filter(commitment=commitment).order_by("pk"))

    link_corrections(updates)

    with django_assert_num_queries(0):
        assert updates[1].corrects is updates[0]
        assert updates[0].corrects is None


def test_a_correction_whose_entry_is_not_among_them_still_reads_it(django_assert_num_queries):
    commitment = make_commitment()
    first = add_status(commitment, Status.MINIMAL, dt.date(2020, 11, 20))
    correction = add_status(commitment, Status.INTERMEDIATE, dt.date(2020, 11, 27), corrects=first)
    updates = [StatusUpdate.objects.get(pk=correction.pk)]

    link_corrections(updates)

    with django_assert_num_queries(1):
        assert updates[0].corrects == first
