"""Every open-data answer carries an ETag derived from the data; sending it back in
If-None-Match gets 304 until something is recorded (or, for derived states, the clock
crosses a quarter hour, where a day can end in some agreement's time zone)."""

import datetime as dt

import pytest
import time_machine

from commitments.models import Claim, Source
from tests.factories import add_claim, karabakh_like

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def open_data_urls(data) -> list[str]:
    return [
        "/api/agreements/",
        f"/api/agreements/{data.agreement.slug}/",
        "/api/provisions/",
        "/api/commitments/?overdue=yes",
        f"/api/commitments/{data.kalbajar.pk}/",
        "/api/status-updates/",
        "/api/claims/",
        "/api/sources/",
        "/commitments/export.csv?overdue=yes",
        "/commitments/export.json",
        "/commitments/deadlines.ics",
        f"/agreements/{data.agreement.slug}/deadlines.ics",
        f"/agreements/{data.agreement.slug}/export.json",
        "/feed.atom",
        f"/agreements/{data.agreement.slug}/feed.atom",
        f"/commitments/{data.prisoners.pk}/feed.atom",
    ]


@time_machine.travel(NOON, tick=False)
def test_each_answer_has_an_etag_and_a_matching_if_none_match_gets_304(client):
    data = karabakh_like()
    for url in open_data_urls(data):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"], url

        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

        assert again.status_code == 304, url
        assert again.content == b""


@time_machine.travel(NOON, tick=False)
def test_a_new_claim_changes_the_etag(client):
    data = karabakh_like()
    etags = {url: client.get(url)["ETag"] for url in open_data_urls(data)}

    add_claim(data.prisoners, data.azerbaijan, "Speaker", dt.date(2020, 12, 9), Claim.Position.KEPT, data.tass, "Done.")

    for url, etag in etags.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200, url


def test_an_edit_recorded_in_the_history_changes_the_etag(client):
    data = karabakh_like()
    etag = client.get("/api/sources/")["ETag"]

    source = Source.objects.get(pk=data.tass.pk)
    source.title = "Lachin and Kalbajar handed over to Azerbaijan"
    source.save()

    assert client.get("/api/sources/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_derived_states_get_a_new_etag_each_quarter_hour_the_feeds_do_not(client):
    karabakh_like()
    with time_machine.travel(dt.datetime(2026, 1, 1, 20, 50, tzinfo=dt.UTC), tick=False):
        api = client.get("/api/commitments/")["ETag"]
        feed = client.get("/feed.atom")["ETag"]
    # 21:00 UTC is midnight in Moscow: a day ends, so "days overdue" can change.
    with time_machine.travel(dt.datetime(2026, 1, 1, 21, 0, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/commitments/", HTTP_IF_NONE_MATCH=api).status_code == 200
        assert client.get("/feed.atom", HTTP_IF_NONE_MATCH=feed).status_code == 304


def test_a_different_filter_has_a_different_etag(client):
    karabakh_like()

    assert client.get("/api/commitments/?overdue=yes")["ETag"] != client.get("/api/commitments/?overdue=no")["ETag"]
