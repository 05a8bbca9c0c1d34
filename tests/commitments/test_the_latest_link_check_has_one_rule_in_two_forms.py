"""What the latest link check found is one rule: the row form (Source.latest_check(),
is_link_gone_or_changed(), is_link_unchecked()) and the QuerySet form agree."""

import pytest

from commitments.models import Source, SourceCheck
from tests.conftest import utc
from tests.factories import add_link_check, make_source

pytestmark = pytest.mark.django_db

Outcome = SourceCheck.Outcome


@pytest.fixture
def sources(db) -> dict[str, Source]:
    made = {}

    def source(name, **fields):
        made[name] = make_source(title=name, **fields)
        return made[name]

    add_link_check(source("reachable", url="https://a.example/1"), Outcome.REACHABLE)
    add_link_check(source("redirected", url="https://a.example/2"), Outcome.REDIRECTED, final_url="https://b.example/")
    add_link_check(source("gone", url="https://a.example/3"), Outcome.GONE)
    add_link_check(source("changed", url="https://a.example/4"), Outcome.CHANGED)
    recovered = source("gone, then back", url="https://a.example/5")
    add_link_check(recovered, Outcome.GONE, checked_at=utc(2026, 11, 23))
    add_link_check(recovered, Outcome.REACHABLE, checked_at=utc(2026, 11, 30))
    archive_gone = source("archive gone", url="https://a.example/6", archive_url="https://archive.example/6")
    add_link_check(archive_gone, Outcome.REACHABLE)
    add_link_check(archive_gone, Outcome.GONE, link=SourceCheck.Link.ARCHIVE)
    moved = source("address changed since its check", url="https://a.example/7")
    add_link_check(moved, Outcome.GONE)
    moved.url = "https://a.example/7-new"
    moved.save()
    source("never checked", url="https://a.example/8")
    source("no link")
    return made


def names(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_link_gone_or_changed_is_the_same_rule_for_one_source_and_many(sources):
    by_rows = {name for name, source in sources.items() if source.is_link_gone_or_changed()}
    by_query = names(Source.objects.link_gone_or_changed())

    assert by_rows == by_query == {"gone", "changed", "archive gone"}


def test_not_checked_is_the_same_rule_for_one_source_and_many(sources):
    by_rows = {name for name, source in sources.items() if source.is_link_unchecked()}

    assert by_rows == names(Source.objects.links_unchecked()) == {"address changed since its check", "never checked"}


def test_each_outcome_filter_finds_the_sources_whose_latest_check_found_it(sources):
    for outcome in Outcome:
        by_rows = {
            name
            for name, source in sources.items()
            if (check := source.latest_check(SourceCheck.Link.URL)) and check.outcome == outcome
        }
        assert by_rows == names(Source.objects.link_outcome(outcome)), outcome


def test_the_prefetched_latest_checks_are_the_same_as_one_source_s(sources):
    prefetched = {source.title: source for source in Source.objects.with_link_state()}

    for name, source in sources.items():
        for link in SourceCheck.Link:
            assert prefetched[name].latest_check(link) == source.latest_check(link), (name, link)
