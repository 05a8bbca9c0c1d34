"""The new public pages: a party's page and the parties' rollup (linked to the filtered list), a
speaker's page, the search page (grouped, highlighted, escaped, filterable, paginated, the query in
the URL) and the implementation chart (server-drawn SVG with a table)."""

import datetime as dt

import pytest

from commitments.models import Speaker
from tests.factories import add_status, karabakh_like, make_agreement, make_commitment, make_party

pytestmark = pytest.mark.django_db


def test_the_home_page_rolls_up_each_party_next_to_each_agreement_and_links_the_list(client):
    data = karabakh_like()
    response = client.get("/")
    rollup = {party.slug: party for party in response.context["party_rollup"]}

    assert rollup["armenia"].total == 4 and rollup["azerbaijan"].total == 2
    assert rollup["armenia"].overdue_count == data.route.is_overdue(response.context["now"])
    html = response.content.decode()
    assert 'href="/parties/armenia/"' in html and 'href="/commitments/?party=armenia"' in html


def test_the_home_rollup_shows_the_parties_with_most_commitments_counting_each_partys_own(client, monkeypatch):
    make_party("georgia", "Georgia")  # responsible for nothing: never listed
    albania = make_party("albania", "Albania")
    bosnia = make_party("bosnia", "Bosnia and Herzegovina")
    croatia = make_party("croatia", "Croatia")
    for parties in ([bosnia, croatia], [croatia], [croatia], [bosnia], [albania], [albania]):
        make_commitment(parties=parties)
    monkeypatch.setattr("dashboard.views.HOME_PARTY_LIMIT", 2)

    rollup = client.get("/").context["party_rollup"]

    # Croatia has 3 commitments, Albania and Bosnia 2 each (a tie, in name order): Bosnia is cut.
    assert [(party.slug, party.total) for party in rollup] == [("croatia", 3), ("albania", 2)]
    assert [party.slug for party in client.get("/parties/").context["parties"]] == ["croatia", "albania", "bosnia"]


def test_the_parties_page_lists_every_responsible_party(client):
    karabakh_like()

    response = client.get("/parties/")

    assert [party.slug for party in response.context["parties"]] == ["armenia", "azerbaijan"]


def test_a_speakers_page_says_what_they_said_when_and_about_which_commitment(client):
    data = karabakh_like()
    ayvazian = Speaker.objects.get(name="Ara Ayvazian")

    response = client.get(f"/speakers/{ayvazian.pk}/")
    html = response.content.decode()

    assert list(response.context["claims"]) == [data.ayvazian]
    assert "Dec. 7, 2020" in html and data.prisoners.title in html and "Republic of Armenia" in html
    assert f"/commitments/{data.prisoners.pk}/#claim-{data.ayvazian.pk}" in html


def test_the_search_page_groups_highlights_and_keeps_the_query_in_the_url(client):
    data = karabakh_like()
    response = client.get("/search/?q=Ayvazian")
    html = response.content.decode()

    assert [kind for kind, _label, _hits in response.context["groups"]] == ["claim", "source", "speaker"]
    assert "<mark>Ayvazian</mark>" in html
    assert 'value="Ayvazian"' in html  # the header box and the form keep it
    assert "?q=Ayvazian&amp;kind=speaker" in html  # a facet per kind
    only_claims = client.get("/search/?q=Ayvazian&kind=claim")
    assert [kind for kind, _label, _hits in only_claims.context["groups"]] == ["claim"]
    assert client.get(f"/search/?q=Ayvazian&agreement={data.agreement.slug}").context["total"] == 1  # the claim


def test_the_search_page_escapes_what_it_shows_and_explains_bad_filters(client):
    karabakh_like()

    response = client.get('/search/?q=<b>"Lavrov"&agreement=nope&kind=bogus')
    html = response.content.decode()

    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "No agreement is called" in html and "Unknown kind of result" in html
    assert response.context["total"] > 0


def test_search_results_are_paginated(client):
    karabakh_like()
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


def test_the_implementation_chart_counts_each_status_at_each_month_end(client):
    data = karabakh_like()
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
