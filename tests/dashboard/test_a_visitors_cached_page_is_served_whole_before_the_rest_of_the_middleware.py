"""An anonymous visitor's cached public page is served whole near the top of the middleware
(dashboard.page_cache.PublicPageCacheMiddleware): the same bytes and headers as the page rendered
through the whole stack, without sessions, CSRF, authentication or the view. A change of the data
renders it afresh; a signed-in monitor and a visitor with a session always go through the stack."""

import datetime as dt

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_commitment, make_monitor

HEADERS = ["Content-Type", "Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary"]


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.fixture
def sessions_opened(monkeypatch) -> list[str]:
    """The paths of the requests that reached SessionMiddleware (the rest of the stack)."""
    reached = []
    process_request = SessionMiddleware.process_request

    def spy(self, request):
        reached.append(request.path)
        return process_request(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", spy)
    return reached


def test_the_second_visit_is_the_first_ones_bytes_and_headers_without_the_rest_of_the_stack(
    client, db, sessions_opened
):
    make_commitment(title="Return of the Aghdam district", deadline=dt.date(2020, 11, 20))

    first, _ = get(client, "/")
    second, second_queries = get(client, "/")

    assert first.status_code == second.status_code == 200
    assert second.content == first.content and "Return of the Aghdam district" in second.content.decode()
    assert {name: second.get(name) for name in HEADERS} == {name: first.get(name) for name in HEADERS}
    assert sessions_opened == ["/"]  # the second visit stopped before the sessions
    assert second_queries == 1  # the data version


def test_a_change_of_the_data_renders_the_page_afresh(client, db):
    make_commitment(title="Return of the Aghdam district", deadline=dt.date(2020, 11, 20))
    client.get("/commitments/")

    make_commitment(title="Return of the Kalbajar district", deadline=dt.date(2020, 11, 25))
    after = client.get("/commitments/")

    assert after.context is not None and "Return of the Kalbajar district" in after.content.decode()


def test_a_signed_in_monitor_and_a_visitor_with_a_session_go_through_the_whole_stack(client, db, sessions_opened):
    make_commitment(deadline=dt.date(2020, 11, 20))
    client.get("/")
    client.get("/")

    client.force_login(make_monitor())
    monitor = client.get("/")

    assert monitor.status_code == 200 and monitor.context is not None
    assert sessions_opened == ["/", "/"]  # the first visit and the monitor's


def test_pages_with_made_up_parameters_and_other_methods_go_through_the_whole_stack(client, db, sessions_opened):
    make_commitment(deadline=dt.date(2020, 11, 20))

    client.get("/?utm_source=x")
    again = client.get("/?utm_source=x")
    client.get("/")
    head = client.head("/")

    assert again.context is not None  # rendered each time: made-up parameters are not cached
    assert head.status_code == 200
    assert sessions_opened == ["/", "/", "/", "/"]


def test_a_cached_page_still_refuses_a_host_that_is_not_allowed(client, db):
    make_commitment(deadline=dt.date(2020, 11, 20))
    client.get("/methodology/")
    client.get("/methodology/")

    refused = client.get("/methodology/", HTTP_HOST="evil.example")

    assert refused.status_code == 400
