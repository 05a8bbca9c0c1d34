"""How well an assessment is supported is one rule in two forms, StatusUpdate.support() for one
row and StatusUpdateQuerySet.with_support() in SQL, that always agree: independent sources are
different publishers, publishers that speak for one party count once, and an assessment resting
only on party sources says so. The list and the API filter and show it."""

import datetime as dt

import pytest

from commitments.models import Commitment, Evidence, StatusUpdate, Support
from tests.factories import add_status, make_commitment, make_party, make_source

pytestmark = pytest.mark.django_db


def sources(*specs):
    """(publisher, party slug or None) → sources."""
    return [
        make_source(
            publisher,
            f"Report {n}",
            dt.date(2020, 12, 7),
            affiliated_party=make_party(slug, slug.title()) if slug else None,
        )
        for n, (publisher, slug) in enumerate(specs)
    ]


CASES = [
    ([("Azatutyun", None)], Support.ONE_SOURCE, 1, "one source"),
    ([("Azatutyun", None), ("Azatutyun", None)], Support.ONE_SOURCE, 1, "one source"),  # one publisher, twice
    ([("Azatutyun", None), ("Reuters", None)], Support.CORROBORATED, 2, "corroborated by 2 independent sources"),
    ([("TASS", "russia"), ("Azatutyun", None)], Support.CORROBORATED, 2, "corroborated by 2 independent sources"),
    ([("TASS", "russia")], Support.PARTY_SOURCES_ONLY, 1, "party sources only"),
    ([("TASS", "russia"), ("RIA Novosti", "russia")], Support.PARTY_SOURCES_ONLY, 1, "party sources only"),
    ([("TASS", "russia"), ("Ministry of Defence", "azerbaijan")], Support.PARTY_SOURCES_ONLY, 2, "party sources only"),
    (
        [("TASS", "russia"), ("Ministry of Defence", "azerbaijan"), ("AP", None)],
        Support.CORROBORATED,
        3,
        "corroborated by 3 independent sources",
    ),
]


@pytest.mark.parametrize(("specs", "level", "count", "label"), CASES)
def test_the_row_and_the_queryset_count_the_same_support(specs, level, count, label):
    update = add_status(
        make_commitment(deadline=None),
        "minimal",
        dt.date(2020, 12, 7),
        evidence=[Evidence(source=source, quote="Passage.") for source in sources(*specs)],
    )

    row = StatusUpdate.objects.prefetch_related("evidence__source").get(pk=update.pk).support()
    sql = StatusUpdate.objects.with_support().get(pk=update.pk)

    assert (row.level, row.count, row.label) == (level, count, label)
    assert (sql.support_level, sql.support_count, sql.has_independent_source) == (
        row.level,
        row.count,
        row.has_independent_source,
    )
    commitment = Commitment.objects.with_computed_support().get(pk=update.commitment_id)
    assert (commitment.computed_support, commitment.computed_support_count) == (level, count)
    assert (commitment.current_support, commitment.current_support_count) == (level, count)  # as stored


def test_an_assessment_left_without_evidence_has_no_support_in_both_forms():
    update = add_status(make_commitment(deadline=None), "minimal", dt.date(2020, 12, 7), *sources(("Reuters", None)))
    for evidence in Evidence.objects.filter(status_update=update):
        evidence.delete()

    row = StatusUpdate.objects.prefetch_related("evidence__source").get(pk=update.pk).support()
    sql = StatusUpdate.objects.with_support().get(pk=update.pk)

    assert (row.level, row.count) == (Support.NONE, 0)
    assert (sql.support_level, sql.support_count, sql.has_independent_source) == (Support.NONE, 0, False)


@pytest.fixture
def two_commitments():
    party_only = make_commitment(deadline=None, title="Party sources only")
    add_status(party_only, "fulfilled", dt.date(2020, 12, 1), *sources(("TASS", "russia")))
    corroborated = make_commitment(deadline=None, title="Corroborated")
    add_status(
        corroborated,
        "fulfilled",
        dt.date(2020, 12, 1),
        evidence=[Evidence(source=s, quote="Q.") for s in sources(("TASS", "russia"), ("Azatutyun", None))],
    )
    return party_only, corroborated


def test_the_list_filters_by_support_and_labels_each_row(client, two_commitments):
    party_only, corroborated = two_commitments

    response = client.get("/commitments/", {"support": "party_sources_only"})

    assert [c.pk for c, _ in response.context["rows"]] == [party_only.pk]
    assert "party sources only" in response.content.decode()
    response = client.get("/commitments/", {"support": "corroborated"})
    assert [c.pk for c, _ in response.context["rows"]] == [corroborated.pk]
    assert "corroborated by 2 independent sources" in response.content.decode()


def test_the_api_filters_by_support_and_exposes_it(client, two_commitments):
    party_only, corroborated = two_commitments

    [found] = client.get("/api/commitments/", {"support": "corroborated"}).json()["results"]
    [update] = client.get("/api/status-updates/", {"commitment": party_only.pk}).json()["results"]

    assert found["id"] == corroborated.pk
    assert found["current_support"] == {
        "level": "corroborated",
        "count": 2,
        "has_independent_source": True,
        "label": "corroborated by 2 independent sources",
    }
    assert update["support"]["level"] == "party_sources_only"
