"""The new public pages: a party's page and the parties' rollup (linked to the filtered list), a
speaker's page, the search page (grouped, highlighted, escaped, filterable, paginated, the query in
the URL) and the implementation chart (server-drawn SVG with a table)."""

import datetime as dt

import pytest

from commitments.models import Speaker
from tests.factories import add_status, make_agreement, read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


def test_the_home_page_rolls_up_each_party_next_to_each_agreement_and_links_the_list(client, data):
    response = client.get("/")
    rollup = {party.slug: party for party in response.context["party_rollup"]}

    assert rollup["armenia"].total == 4 and rollup["azerbaijan"].total == 2
    assert rollup["armenia"].overdue_count == data.route.is_overdue(response.context["now"])
    html = response.content.decode()
    assert 'href="/parties/armenia/"' in html and 'href="/commitments/?party=armenia"' in html


def test_the_parties_page_lists_every_responsible_party(client, data):
    response = client.get("/parties/")

    assert [party.slug for party in response.context["parties"]] == ["armenia", "azerbaijan"]


def test_a_speakers_page_says_what_they_said_when_and_about_which_commitment(client, data):
    ayvazian = Speaker.objects.get(name="Ara Ayvazian")

    response = client.get(f"/speakers/{ayvazian.pk}/")
    html = response.content.decode()

    assert list(response.context["claims"]) == [data.ayvazian]
    assert "Dec. 7, 2020" in html and data.prisoners.title in html and "Republic of Armenia" in html
    assert f"/commitments/{data.prisoners.pk}/#claim-{data.ayvazian.pk}" in html


def test_the_search_page_groups_highlights_and_keeps_the_query_in_the_url(client, data):
    response = client.get("/search/?q=Ayvazian")
    html = response.content.decode()

    assert [kind for kind, _label, _hits in response.context["groups"]] == ["claim", "source", "speaker"]
    assert "<mark>Ayvazian</mark>" in html
    assert 'value="Ayvazian"' in html  # the header box and the form keep it
    assert "?q=Ayvazian&amp;kind=speaker" in html  # a facet per kind
    only_claims = client.get("/search/?q=Ayvazian&kind=claim")
    assert [kind for kind, _label, _hits in only_claims.context["groups"]] == ["claim"]
    assert client.get(f"/search/?q=Ayvazian&agreement={data.agreement.slug}").context["total"] == 1  # the claim


def test_the_search_page_escapes_what_it_shows_and_explains_bad_filters(client, data):
    response = client.get('/search/?q=<b>"Lavrov"&agreement=nope&kind=bogus')
    html = response.content.decode()

    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "No agreement is called" in html and "Unknown kind of result" in html
    assert response.context["total"] > 0


def test_search_results_are_paginated(client, data):
    for day in range(1, 26):
        add_status(
            make_agreement().provisions.first().commitments.first(),
            "minimal",
            dt.date(2020, 12, day),
            quote="Pagination marker",
        )

    first = client.get("/search/?q=marker")
    second = client.get("/search/?q=marker&page=2")

    assert first.context["total"] == 25
    assert len(first.context["page_obj"].object_list) == 20 and len(second.context["page_obj"].object_list) == 5
    assert "q=marker&amp;page=2" in first.content.decode()


def test_the_implementation_chart_counts_each_status_at_each_month_end(client, data):
    months = data.agreement.implementation_by_month(dt.date(2021, 1, 15))

    assert [month.month_end for month in months] == [dt.date(2020, 11, 30), dt.date(2020, 12, 31), dt.date(2021, 1, 15)]
    assert months[0].by_status["fulfilled"] == 2  # Aghdam (20 Nov), Kalbajar (25 Nov)
    assert months[0].by_status["not_assessed"] == 2
    assert months[1].by_status["minimal"] == 1  # the prisoner exchange, 7 Dec
    assert all(month.total == 4 for month in months)

    page = client.get(f"/agreements/{data.agreement.slug}/implementation/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="implementation-wide"' in html and '<svg class="implementation-phone"' in html
    assert 'data-testid="implementation-table"' in html and "style=" not in html
    agreement_page = client.get(data.agreement.get_absolute_url()).content.decode()
    assert 'data-testid="implementation-chart"' in agreement_page
