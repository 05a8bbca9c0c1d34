"""Past API_THROTTLE_RATE requests, the API answers 429 Too Many Requests with Retry-After."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(API_THROTTLE_RATE="3/minute")
def test_the_request_past_the_rate_gets_429_with_retry_after(client):
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        statuses = [client.get("/api/sources/").status_code for _ in range(4)]
        refused = client.get("/api/agreements/")

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"


@override_settings(API_THROTTLE_RATE="3/minute")
def test_the_client_may_ask_again_when_the_minute_is_over(client):
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            client.get("/api/sources/")
        assert client.get("/api/sources/").status_code == 429
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, 1, 1, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/sources/").status_code == 200


@override_settings(API_THROTTLE_RATE="")
def test_an_empty_rate_turns_the_limit_off(client):
    assert {client.get("/api/sources/").status_code for _ in range(20)} == {200}


def test_a_malformed_rate_stops_start_up_naming_the_variable():
    from tests.tracker.test_settings_from_environment import start

    result = start(SECRET_KEY="k", API_THROTTLE_RATE="lots")

    assert result.returncode != 0
    assert "API_THROTTLE_RATE must look like 120/minute" in result.stderr
