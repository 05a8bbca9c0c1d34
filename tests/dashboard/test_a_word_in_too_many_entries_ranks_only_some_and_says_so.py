"""A word that nearly every entry holds would have the database rank every match: the search ranks
at most search.MAX_RANKED matches (the first the index yields), and the page says the results were
cut and how to narrow them. Below the limit every match is ranked and counted."""

import datetime as dt

import pytest

from commitments import search
from tests.factories import make_agreement, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_sources():
    return [make_source(title=f"Frequent word report {n}", published_on=dt.date(2021, 1, n)) for n in range(1, 6)]


def test_over_the_limit_only_that_many_matches_are_ranked_and_the_results_say_they_were_cut(monkeypatch, five_sources):
    monkeypatch.setattr(search, "MAX_RANKED", 3)

    results = search.SearchResults("frequent")
    hits = results[0:10]

    assert results.count() == 3 and results.is_cut
    assert len(hits) == 3 and {hit.object_id for hit in hits} < {source.pk for source in five_sources}


def test_at_the_limit_every_match_is_ranked_and_nothing_is_cut(monkeypatch, five_sources):
    monkeypatch.setattr(search, "MAX_RANKED", 5)

    results = search.SearchResults("frequent")

    assert results.count() == 5 and not results.is_cut
    assert {hit.object_id for hit in results[0:10]} == {source.pk for source in five_sources}


def test_the_search_page_says_when_the_results_were_cut_and_how_to_narrow_them(client, monkeypatch, five_sources):
    monkeypatch.setattr(search, "MAX_RANKED", 3)

    cut = client.get("/search/?q=frequent").content.decode()
    narrow = client.get("/search/?q=frequent+report+5").content.decode()

    assert 'data-testid="search-cut"' in cut and "More than 3 entries match every word: only 3" in cut
    assert "Add a word or choose an agreement" in cut
    assert 'data-testid="search-cut"' not in narrow and "Frequent word report 5" in narrow


def test_a_kind_few_entries_have_is_still_found_when_the_search_of_every_kind_was_cut(
    client, monkeypatch, five_sources
):
    accord = make_agreement(title="Frequent accord")
    monkeypatch.setattr(search, "MAX_RANKED", 3)

    agreements = search.SearchResults("frequent", kinds=["agreement"])
    page = client.get("/search/?q=frequent&kind=agreement").content.decode()

    assert agreements.count() == 1 and not agreements.is_cut and agreements.facets_are_cut
    assert [hit.object_id for hit in agreements[0:10]] == [accord.pk]
    assert "Frequent accord" in page and 'data-testid="facets-cut"' in page
