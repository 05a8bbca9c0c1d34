"""/healthz reports when the link check last recorded a check, and calls it stale after two weeks."""

import time_machine

from tests.conftest import utc
from tests.factories import add_link_check, make_source


def test_health_reports_no_link_check_before_the_first(client, db):
    assert client.get("/healthz").json()["last_link_check"] == {"checked_at": None}


def test_health_reports_the_latest_check_and_whether_it_is_stale(client, db):
    source = make_source(url="https://tass.example/1")
    add_link_check(source, checked_at=utc(2026, 11, 23, 3, 30))
    add_link_check(source, checked_at=utc(2026, 11, 30, 3, 30))

    with time_machine.travel(utc(2026, 12, 1), tick=False):
        fresh = client.get("/healthz").json()["last_link_check"]
    with time_machine.travel(utc(2026, 12, 15), tick=False):
        stale = client.get("/healthz").json()["last_link_check"]

    assert fresh == {"checked_at": "2026-11-30T03:30:00+00:00", "stale": False}
    assert stale["stale"] is True
