"""The home page's parties' rollup lists the parties with most commitments, each counting its own (on
a database of its own parties: the other tests of the public pages share the data of karabakh_like(),
built once for their module)."""

import pytest

from tests.factories import make_commitment, make_party

pytestmark = pytest.mark.django_db


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
