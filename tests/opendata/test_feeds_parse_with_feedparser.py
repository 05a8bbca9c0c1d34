"""The Atom feeds of status updates and claims (site-wide, per agreement, per commitment)
parse with feedparser, newest recorded first, each entry with a permanent id."""

import datetime as dt

import feedparser
import pytest

from commitments.models import Claim
from tests.factories import add_claim, bulk_data, read_afresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(karabakh_like_loaded, db):
    """The data of karabakh_like(), built once for the module and read afresh for each test."""
    return read_afresh(karabakh_like_loaded)


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_site_feed_has_every_status_update_and_claim(client, data):
    feed = parse(client, "/feed.atom")

    assert len(feed.entries) == 5  # three assessments, two claims
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == 5 and all(i.startswith("tag:") for i in ids)
    newest = feed.entries[0]
    assert (
        newest.title
        == "Exchange of prisoners and bodies: Ara Ayvazian, Armenian foreign minister — Says it has not begun"
    )
    assert newest.link.endswith(data.prisoners.get_absolute_url())
    assert newest.author == "Republic of Armenia"
    recorded = [entry.updated_parsed for entry in feed.entries]
    assert recorded == sorted(recorded, reverse=True)


def test_an_assessment_entry_quotes_its_evidence(client, data):
    entries = parse(client, "/feed.atom").entries
    [aghdam] = [e for e in entries if e.title.startswith("Return of the Aghdam district")]

    assert aghdam.title == "Return of the Aghdam district: Fulfilled as of 2020-11-20"
    assert "Azerbaijani troops entered Aghdam." in aghdam.summary
    assert "Al Jazeera" in aghdam.summary


def test_the_agreement_and_commitment_feeds_hold_only_their_own_entries(client, data):
    bulk_data(agreements=1, points=2, per_point=2)

    agreement_feed = parse(client, f"/agreements/{data.agreement.slug}/feed.atom")
    commitment_feed = parse(client, f"/commitments/{data.prisoners.pk}/feed.atom")

    assert len(agreement_feed.entries) == 5
    assert agreement_feed.feed.title == "Ceasefire statement: assessments and claims"
    assert {e.link for e in commitment_feed.entries} == {"http://testserver" + data.prisoners.get_absolute_url()}
    assert len(commitment_feed.entries) == 3


def test_a_new_claim_is_the_first_entry(client, data):
    add_claim(
        data.kalbajar,
        data.azerbaijan,
        "İlham Əliyev",
        dt.date(2020, 11, 25),
        Claim.Position.KEPT,
        data.tass,
        "Kəlbəcər azad olundu",
    )

    first = parse(client, f"/commitments/{data.kalbajar.pk}/feed.atom").entries[0]

    assert first.title == "Return of the Kalbajar district: İlham Əliyev — Says it is kept"
    assert "Kəlbəcər azad olundu" in first.summary


def test_unknown_agreements_and_commitments_have_no_feed(client):
    assert client.get("/agreements/nothing/feed.atom").status_code == 404
    assert client.get("/commitments/999999/feed.atom").status_code == 404
