"""Sorting the list by deadline or status leaves many ties (commitments due the same day, or at the
same status): they follow the agreement order, ending with the id, so that the pages of a sorted list
neither repeat nor skip a commitment, on either database."""

import datetime as dt

import pytest

from dashboard.views import PAGE_SIZE
from tests.factories import make_agreement, make_commitment, make_provision

pytestmark = pytest.mark.django_db

DUE = dt.date(2021, 1, 10)


def test_ties_of_a_sort_follow_the_agreement_order_across_pages(client):
    agreement = make_agreement()
    # Created last point first: the order they were written in is not the agreement order.
    for number in range(PAGE_SIZE + 5, 0, -1):
        make_commitment(make_provision(agreement, str(number)), title=f"Handover {number}", deadline=DUE)

    for sort in ("deadline", "-deadline", "status", "-status"):
        pages = [client.get(f"/commitments/?sort={sort}&page={page}").context["rows"] for page in (1, 2)]
        titles = [commitment.title for page in pages for commitment, _overdue in page]

        assert titles == [f"Handover {number}" for number in range(1, PAGE_SIZE + 6)], sort


def test_the_api_sorts_ties_the_same_way(client):
    agreement = make_agreement()
    for number in range(6, 0, -1):
        make_commitment(make_provision(agreement, str(number)), title=f"Handover {number}", deadline=DUE)

    results = client.get("/api/commitments/?sort=deadline").json()["results"]

    assert [row["title"] for row in results] == [f"Handover {number}" for number in range(1, 7)]
