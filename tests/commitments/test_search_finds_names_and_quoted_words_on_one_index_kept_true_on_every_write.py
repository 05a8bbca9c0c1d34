"""Search across everything, on the database's own full-text index (PostgreSQL's GIN-indexed
tsvector or SQLite's FTS5; the suite runs on both): a speaker's name finds the speaker, their claims
and the evidence that quotes them; a quoted word finds the passage; the index follows every write,
inside the writing transaction; bulk writers rebuild it."""

import datetime as dt

import pytest
from django.db import connection, transaction

from commitments import search
from commitments.models import Evidence, ReviewState, SearchEntry
from tests.factories import add_claim, add_incident, add_status, make_source, read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


def found(query: str, **options) -> set[tuple[str, str]]:
    return {(hit.kind, hit.title) for hit in search.SearchResults(query, **options)[0:100]}


def test_a_speakers_name_finds_the_speaker_and_their_claims(data):
    results = search.SearchResults("Ayvazian")

    assert ("speaker", "Ara Ayvazian") in found("Ayvazian")
    assert ("claim", "Ara Ayvazian — Armenia") in found("ayvazian")  # any case
    assert results.counts_by_kind()["claim"] == 1
    assert [hit.path for hit in results[0:10] if hit.kind == "claim"] == [
        f"{data.prisoners.get_absolute_url()}#claim-{data.ayvazian.pk}"
    ]


def test_a_quoted_word_finds_the_assessment_that_quotes_it_highlighted_and_escaped(data):
    add_status(data.prisoners, "intermediate", dt.date(2020, 12, 14), quote="<script>alert(1)</script> 44 returned")

    hits = [hit for hit in search.SearchResults("alert")[0:10] if hit.kind == "assessment"]

    assert len(hits) == 1
    assert "<mark>alert</mark>" in hits[0].snippet
    assert "<script>" not in hits[0].snippet and "&lt;script&gt;" in hits[0].snippet


def test_an_incident_is_found_by_its_place_and_its_evidence_once_published(data):
    incident = add_incident(
        data.agreement,
        location="Talysh",
        quote="Shelling reported near the bridge.",
        review_state=ReviewState.DRAFT,
        published_via="",
    )
    assert not found("Talysh") and not found("bridge")

    incident.review_state = ReviewState.PUBLISHED
    incident.save()  # as review.publish() does

    title = "Armed clash, Talysh"
    assert ("incident", title) in found("talysh") and ("incident", title) in found("bridge")
    assert [hit.path for hit in search.SearchResults("Talysh")[0:10]] == [incident.get_absolute_url()]


def test_every_word_must_match_as_the_beginning_of_a_word(data):
    assert ("speaker", "Sergei Lavrov") in found("Lav")
    assert ("speaker", "Sergei Lavrov") in found("sergei lavrov")
    assert ("speaker", "Sergei Lavrov") not in found("lavrov ayvazian")
    assert found("zzzz") == set() and found("!!!") == set()


def test_results_are_grouped_by_kind_filtered_by_agreement_and_kind(data):
    kinds = [hit.kind for hit in search.SearchResults("prisoners")[0:50]]

    assert kinds == sorted(kinds, key=list(search.SEARCH_KINDS).index)
    assert {hit.kind for hit in search.SearchResults("prisoners", kinds=["claim"])[0:50]} == {"claim"}
    assert search.SearchResults("prisoners", agreement_id=data.agreement.pk).count() > 0
    assert search.SearchResults("prisoners", agreement_id=data.agreement.pk + 1000).count() == 0


def test_the_index_follows_every_write_inside_its_transaction(data):
    source = make_source("Hetq", "A report on Kalbajar", dt.date(2020, 12, 1))
    assert ("source", "A report on Kalbajar") in found("Hetq")

    source.title = "A report on Shusha"
    source.save()
    assert ("source", "A report on Kalbajar") not in found("Kalbajar")
    assert ("source", "A report on Shusha") in found("Hetq Shusha")

    with pytest.raises(RuntimeError), transaction.atomic():
        add_claim(data.prisoners, data.armenia, "Zohrab Mnatsakanyan, former minister", quote="unrelated")
        assert ("speaker", "Zohrab Mnatsakanyan") in found("Mnatsakanyan")
        raise RuntimeError  # the write is rolled back, and its entries with it
    assert found("Mnatsakanyan") == set()

    evidence = Evidence.objects.filter(quote="Talks on the exchange continue.").get()
    evidence.quote = "Talks on the exchange resumed."
    evidence.save()
    assert ("assessment", "Exchange of prisoners and bodies") in found("resumed")


def test_a_bulk_rebuild_gives_the_same_entries_as_the_writes_did(data):
    before = sorted(SearchEntry.objects.values_list("kind", "object_id", "title", "body", "path"))

    SearchEntry.objects.all().delete()
    written = search.reindex()

    assert sum(written.values()) == len(before)
    assert sorted(SearchEntry.objects.values_list("kind", "object_id", "title", "body", "path")) == before
    assert ("speaker", "Ara Ayvazian") in found("Ayvazian")


def test_the_query_plan_reads_no_table_whole(data):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a few rows: make the planner show the plan it takes at scale
            cursor.execute("SET LOCAL enable_seqscan = off")

    plan = search.explain("Ayvazian")

    # PostgreSQL reads the GIN index for a word few entries hold (a word in most entries reads the
    # table from its start up to the limit: test_a_word_in_most_entries_…); SQLite the FTS5 index.
    assert "search_entry_document" in plan or "commitments_searchentry_pkey" in plan or "VIRTUAL TABLE INDEX" in plan
    assert "Seq Scan on commitments_searchentry" not in plan
    assert "SCAN e" not in plan and "SCAN commitments_searchentry " not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_a_search_leaves_the_planner_as_it_found_it_for_the_rest_of_the_transaction(data):
    with transaction.atomic(), connection.cursor() as cursor:
        search.SearchResults("Ayvazian")[0:10]
        cursor.execute("SHOW enable_seqscan")
        seqscan = cursor.fetchone()[0]
        cursor.execute("SHOW enable_indexscan")
        indexscan = cursor.fetchone()[0]

    assert (seqscan, indexscan) == ("on", "on")
