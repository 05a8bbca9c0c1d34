"""The API's lists and details are served from the cache like the pages: a repeated request reads
only the data version; a write, or a new quarter hour for answers with derived states, renders
afresh; while another request renders, an answer from before the change comes with its own ETag."""

import datetime as dt

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendata.api import caching
from tests.factories import add_status, karabakh_like
from tracker.cached_render import CachedRender

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("url", ["/api/commitments/?overdue=yes", "/api/status-updates/", "/api/claims/"])
def test_a_repeated_request_is_answered_from_the_cache_with_one_query(client, url):
    karabakh_like()
    first, first_queries = get(client, url)
    second, second_queries = get(client, url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert first_queries > 1 and second_queries == 1  # the data version


def test_a_write_shows_at_once(client):
    data = karabakh_like()
    url = f"/api/commitments/{data.prisoners.pk}/"
    before = client.get(url)

    add_status(data.prisoners, "intermediate", dt.date(2020, 12, 14), summary="Partly exchanged.")
    after = client.get(url)

    assert after["ETag"] != before["ETag"]
    assert after.json()["current_status"] == "intermediate" != before.json()["current_status"]


def test_a_new_quarter_hour_renders_answers_with_derived_states_afresh(client):
    karabakh_like()
    url = "/api/commitments/"
    with time_machine.travel(NOON, tick=False):
        get(client, url)
        assert get(client, url)[1] == 1
    with time_machine.travel(NOON + dt.timedelta(minutes=15), tick=False):
        assert get(client, url)[1] > 1


def test_while_another_request_renders_the_answer_from_before_keeps_its_own_etag(client, monkeypatch):
    data = karabakh_like()
    url = f"/api/commitments/{data.prisoners.pk}/"
    cache = LocMemCache("api-cache-test", {})
    monkeypatch.setattr(caching, "renders", CachedRender(cache=cache))
    before = client.get(url)
    add_status(data.prisoners, "intermediate", dt.date(2020, 12, 14), summary="Partly exchanged.")
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)  # another request holds the lock

    during = client.get(url)

    assert during.status_code == 200
    assert during.content == before.content
    assert during["ETag"] == before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200  # not a 304: it is out of date
    cache.clear()


@time_machine.travel(NOON, tick=False)
def test_a_cached_answer_still_says_not_modified_and_a_bad_parameter_is_still_refused(client):
    karabakh_like()
    url = "/api/claims/"
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and len(queries) == 1

    assert client.get(url + "?page_size=0").status_code == 400
    assert client.get(url + "?page_size=0").status_code == 400  # an error is never cached
