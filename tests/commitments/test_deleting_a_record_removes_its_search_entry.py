"""Deleting a record removes its search entry (on an empty database: the search tests beside it share
the data of karabakh_like(), built once for their module, and it has sources of its own)."""

import datetime as dt

import pytest

from commitments import search
from commitments.models import SearchEntry
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def found(query: str, **options) -> set[tuple[str, str]]:
    return {(hit.kind, hit.title) for hit in search.SearchResults(query, **options)[0:100]}


def test_deleting_a_record_removes_its_entry():
    source = make_source("Hetq", "A report on Kalbajar", dt.date(2020, 12, 1))

    source.delete()

    assert not SearchEntry.objects.filter(kind="source").exists()
    assert found("Hetq") == set()
