"""On SQLite, a search word is matched as the index's terms it is a prefix of (read newest first,
stopping at the limit) rather than as an FTS5 prefix query (which merges every match first): the
two find the same entries in the same order, and a short or non-ASCII word, or one standing for
too many terms, keeps the prefix query."""

import datetime as dt

import pytest
from django.db import connection

from commitments import search
from tests.factories import add_status, karabakh_like

pytestmark = pytest.mark.django_db

WORDS = ["pris", "prisoner", "ayva", "Ayvazian", "hand", "kalbajar", "said", "zebr", "absent", "the statement"]


@pytest.fixture
def corpus():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 only: PostgreSQL matches prefixes in its GIN index")
    data = karabakh_like()
    for number, quote in enumerate(["prisoners held", "prisons visited", "a prisoner freed", "Prišon camp"]):
        add_status(data.prisoners, "intermediate", dt.date(2020, 12, 10 + number), quote=quote)
    # Seventeen terms under one prefix: more than a word is expanded into.
    add_status(
        data.kalbajar,
        "intermediate",
        dt.date(2020, 12, 20),
        quote=" ".join(f"zebra{letter}" for letter in "abcdefghijklmnopq"),
    )
    return data


def first_matches(query: str) -> list[tuple[int, str]]:
    results = search.SearchResults(query)
    return [(match.id, match.kind) for match in search._SQLite().first_matches(results, search.MAX_RANKED + 1)]


def test_expanded_words_find_what_their_prefixes_find(corpus, monkeypatch):
    expanded = {word: first_matches(word) for word in WORDS}
    monkeypatch.setattr(search._SQLite, "EXPANDED_MIN_LENGTH", 10**6)  # every word as a prefix query
    assert {word: first_matches(word) for word in WORDS} == expanded
    assert expanded["pris"] and expanded["zebr"] and not expanded["absent"]


def test_which_words_are_expanded(corpus):
    backend = search._SQLite()
    # "Prišon" is in the index as "prison": the index folded it.
    assert backend.word_match("pris") == '("prison" OR "prisoner" OR "prisoners" OR "prisons")'
    assert backend.word_match("kalbajar").startswith("(")
    assert backend.word_match("zebr") == '"zebr"*'  # seventeen terms
    assert backend.word_match("pri") == '"pri"*'  # too short
    assert backend.word_match("prišon") == '"prišon"*'  # the index folds diacritics: left to FTS5
    assert backend.word_match("absent") == '"absent"*'  # no term: nothing to read either way
