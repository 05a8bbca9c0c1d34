"""/agreements/ lists every agreement with its figures as text, in the home page's order, 50 a page."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import Claim, Status
from tests.conftest import utc
from tests.factories import add_claim, add_status, make_agreement, make_commitment, make_party, make_provision

pytestmark = pytest.mark.django_db

NOW = utc(2024, 1, 15, 12, 0)


def make_agreements(count: int) -> None:
    for n in range(count):
        make_agreement(f"agreement-{n:02}", title=f"Agreement {n:02}", signed_on=dt.date(2020, 11, 9))


def slugs(response) -> list[str]:
    return [agreement.slug for agreement in response.context["agreements"]]


def test_the_list_is_at_agreements_and_an_agreements_own_page_still_works(client):
    agreement = make_agreement("statement-2020")

    assert reverse("dashboard:agreement_list") == "/agreements/"
    assert client.get("/agreements/").status_code == 200
    assert client.get(agreement.get_absolute_url()).context["agreement"] == agreement


@time_machine.travel(NOW, tick=False)
def test_each_row_gives_the_agreements_figures(client):
    agreement = make_agreement("statement-2020", title="Trilateral statement")
    provision = make_provision(agreement, "1")
    overdue = make_commitment(provision, deadline=dt.date(2021, 3, 1))
    fulfilled = make_commitment(provision, deadline=dt.date(2021, 3, 1))
    add_status(fulfilled, Status.FULFILLED, dt.date(2021, 2, 1))
    add_claim(overdue, make_party(), stated_on=dt.date(2021, 5, 1), position=Claim.Position.KEPT)
    add_claim(
        overdue, make_party("azerbaijan", "Azerbaijan"), stated_on=dt.date(2021, 5, 2), position=Claim.Position.BROKEN
    )

    response = client.get(reverse("dashboard:agreement_list"))

    [row] = response.context["agreements"]
    assert (row.total, row.overdue_count, row.disputed_count) == (2, 1, 1)
    assert [(segment.key, segment.count) for segment in row.bar] == [("fulfilled", 1), ("not-assessed", 1)]
    assert "Fulfilled 1 · Not yet assessed 1" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_it_shows_fifty_agreements_a_page_in_the_home_pages_order(client):
    make_agreements(55)
    urgent = make_agreement("urgent", title="Zz urgent", signed_on=dt.date(2019, 1, 1))
    make_commitment(make_provision(urgent, "1"), deadline=dt.date(2021, 3, 1))

    first = client.get(reverse("dashboard:agreement_list"))
    second = client.get(reverse("dashboard:agreement_list") + "?page=2")

    assert slugs(first)[0] == "urgent"
    assert len(slugs(first)) == 50 and len(slugs(second)) == 6
    assert set(slugs(first)) | set(slugs(second)) == {"urgent"} | {f"agreement-{n:02}" for n in range(55)}
    assert first.context["is_paginated"] and first.context["page_obj"].number == 1
    assert second.context["page_obj"].number == 2


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 2), ("99", 2), ("-1", 2), ("2", 2)])
def test_a_bad_page_number_shows_the_nearest_page(client, page, shown):
    make_agreements(51)

    response = client.get(reverse("dashboard:agreement_list") + f"?page={page}")

    assert response.status_code == 200
    assert response.context["page_obj"].number == shown


def test_with_no_agreements_it_says_so(client):
    response = client.get(reverse("dashboard:agreement_list"))

    assert response.status_code == 200
    assert response.context["agreements"] == []
    assert "No agreements are tracked yet." in response.content.decode()


def test_the_list_is_served_from_the_page_cache_and_a_new_agreement_shows_at_once(client):
    make_agreements(2)
    url = reverse("dashboard:agreement_list")
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        cached = client.get(url)
    make_agreement("new-one", title="A new agreement")
    fresh = client.get(url)

    assert len(queries) <= 1  # at most the data version is read
    assert cached.status_code == 200 and cached.context is None  # no template was rendered
    assert "new-one" in slugs(fresh)
