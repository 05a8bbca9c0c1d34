"""On PostgreSQL, a search for a word most entries hold (by the statistics ANALYZE keeps) reads the
table from its start and stops at the limit, where the GIN index would first gather every match; a
rarer word reads the index. Both read the table in its physical order, so both find the same first
matches, and the page is the same whichever way it was found."""

import re

import pytest
from django.db import connection

from commitments import search
from commitments.models import SearchEntry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans and statistics"),
]


@pytest.fixture
def entries(monkeypatch):
    """300 entries: 280 quote "ubiquitous", 20 (every 15th) say "scarce" instead; statistics read."""
    SearchEntry.objects.bulk_create(
        SearchEntry(
            kind="source",
            object_id=number,
            title=f"Source {number}",
            body="a scarce passage" if number % 15 == 0 else f"the ubiquitous passage number {number}",
            path=f"/sources/{number}/",
        )
        for number in range(300)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commitments_searchentry")
    monkeypatch.setattr(search, "MAX_RANKED", 50)  # so that the limit cuts the matches


def first_matches_by(settings: dict[str, str], query: str) -> list[tuple[int, str, float]]:
    results = search.SearchResults(query)
    rows = search._PostgreSQL().ranked_queryset(results).values_list("pk", "kind", "rank")[: search.MAX_RANKED + 1]
    with search._planner(settings):
        return list(rows)


def test_a_word_in_most_entries_reads_the_table_from_its_start(entries):
    assert search._PostgreSQL().share_matching(search.SearchResults("ubiquitous")) >= search.COMMON_SHARE

    plan = search.explain("ubiquitous")

    assert "Seq Scan on commitments_searchentry" in plan
    assert "search_entry_document" not in plan


def test_a_rarer_word_and_a_search_within_one_agreement_read_the_index(entries):
    assert "search_entry_document" in search.explain("scarce")
    # Two words: their shares multiply (about 0.93 x 0.07).
    assert "search_entry_document" in search.explain("ubiquitous scarce")


def test_both_ways_find_the_same_first_matches_in_the_same_order(entries):
    by_table = first_matches_by(search.TABLE_IN_ORDER, "ubiquitous")
    by_index = first_matches_by(search.INDEX_ONLY, "ubiquitous")

    assert len(by_table) == search.MAX_RANKED + 1
    assert by_table == by_index


def test_the_page_is_cut_at_the_limit_and_leaves_the_planner_as_it_found_it(entries):
    results = search.SearchResults("ubiquitous passage")
    hits = results[0:10]

    assert results.count() == search.MAX_RANKED
    assert results.is_cut
    assert [hit.kind for hit in hits] == ["source"] * 10
    assert all("<mark>ubiquitous</mark>" in hit.snippet for hit in hits)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_bitmapscan'), current_setting('synchronize_seqscans')")
        assert cursor.fetchone() == ("on", "on")


def test_the_benchmark_reports_the_rows_read_up_to_the_limit_not_a_whole_table(entries, monkeypatch):
    from devtools import benchmark

    monkeypatch.setattr(benchmark, "SMALL_TABLE_ROWS", 100)  # this test's table counts as big
    monkeypatch.setattr(benchmark, "_row_counts", {})

    _name, plan, scanned, _seconds = benchmark.explain_search("ubiquitous")

    assert "Seq Scan on commitments_searchentry" in plan
    # 51 matches, and every 15th entry lacks the word: the scan stops after some 55 rows of 300.
    [report] = scanned
    read = re.fullmatch(r"none \(commitments_searchentry read up to the limit: (\d+) of 300 rows\)", report)
    assert read and 51 <= int(read.group(1)) < 100
