"""Public pages are served from a cache that every change and every deadline day's end invalidate."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.data_version import quarter_hour
from tests.conftest import utc
from tests.factories import add_status, make_commitment


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_a_second_request_is_served_from_the_cache(client, db):
    commitment = make_commitment(deadline=dt.date(2020, 11, 20))
    url = reverse("dashboard:commitment_detail", args=[commitment.pk])

    first, first_queries = get(client, url)
    second, second_queries = get(client, url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert first_queries > 1 and second_queries == 1  # only the data version is read


def test_a_new_status_update_shows_at_once(client, source):
    commitment = make_commitment(deadline=dt.date(2020, 11, 20))
    url = reverse("dashboard:commitment_detail", args=[commitment.pk])
    get(client, url)

    add_status(commitment, "fulfilled", dt.date(2020, 11, 20), source, "Handed over.", summary="A new assessment.")
    response, queries = get(client, url)

    assert queries > 0
    assert response.context["commitment"].current_status == "fulfilled"


def test_a_renamed_source_shows_at_once_on_pages_that_cite_it(client, source):
    url = reverse("dashboard:source_list")
    get(client, url)

    source.publisher = "Renamed publisher"
    source.save()

    assert "Renamed publisher" in get(client, url)[0].content.decode()


def test_a_deadline_that_ends_is_overdue_on_the_next_request_without_any_write(client, db):
    commitment = make_commitment(deadline=dt.date(2020, 11, 20))  # ends 21:00 UTC
    url = reverse("dashboard:commitment_detail", args=[commitment.pk])

    with time_machine.travel(utc(2020, 11, 20, 20, 59), tick=False):
        assert get(client, url)[0].context["is_overdue"] is False
    with time_machine.travel(utc(2020, 11, 20, 21, 0), tick=False):
        assert get(client, url)[0].context["is_overdue"] is True


def test_every_local_midnight_starts_a_new_quarter_hour_slot():
    # Kathmandu (UTC+5:45) is the least aligned zone there is.
    midnight_kathmandu = dt.datetime(2020, 11, 21, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=45)))

    start, end = quarter_hour(midnight_kathmandu)

    assert start == midnight_kathmandu and end - start == dt.timedelta(minutes=15)


def test_made_up_query_strings_are_not_cached(client, db):
    from django.core.cache import cache

    client.get("/?x=1")
    client.get("/commitments/?nonsense=2")
    client.get("/commitments/?category=ceasefire")

    pages = [key for key in cache._cache if "tracker:page:" in key]
    assert len(pages) == 1  # only the list with a real filter


def test_a_failing_cache_is_a_miss_not_an_error(client, db, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)

    assert client.get("/").status_code == 200
