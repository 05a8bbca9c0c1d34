"""With DEBUG off, every error a reader can meet (400, 403, 404, 429, 500, and a form sent
without its CSRF token) is a page in the site's layout, with the navigation and a sentence
saying what to do next; under /api/ the same errors are JSON in the API's error shape."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tracker.urls_that_fail")]

NEXT_STEP = {
    400: "Check the address you typed or followed",
    403: "log in to the admin first",
    404: "Search the commitments or start from the overview",
    429: "Please try again in an hour",
    500: "Try again in a few minutes",
}


@pytest.fixture
def reader(settings) -> Client:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    return client


def assert_site_error_page(response, status: int) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert NEXT_STEP[status] in page
    assert '<nav aria-label="Main">' in page  # the site's header and navigation
    assert 'href="/commitments/"' in page
    assert 'rel="icon"' in page and 'type="application/atom+xml"' in page


def test_an_unknown_address_is_the_sites_404_page(reader):
    assert_site_error_page(reader.get("/no-such-page/"), 404)
    assert_site_error_page(reader.get("/commitments/999999/"), 404)


def test_a_server_error_is_the_sites_500_page(reader):
    assert_site_error_page(reader.get("/failing/500/"), 500)


def test_a_forbidden_page_is_the_sites_403_page(reader):
    assert_site_error_page(reader.get("/failing/403/"), 403)


def test_a_malformed_request_is_the_sites_400_page(reader):
    assert_site_error_page(reader.get("/failing/400/"), 400)
    # A request for a host the site does not serve fails before any view runs.
    assert_site_error_page(reader.get("/", HTTP_HOST="not-this-site.example"), 400)


def test_a_form_without_its_csrf_token_is_a_403_page_saying_to_reload(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)

    response = client.post("/alerts/subscribe/", {"email": "reader@example.org"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "reload the page and send the form again" in page
    assert '<nav aria-label="Main">' in page


def test_too_many_subscription_requests_get_the_sites_429_page(reader, settings, mailoutbox):
    settings.ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT = 1
    reader.post("/alerts/subscribe/", {"email": "first@example.org"})

    assert_site_error_page(reader.post("/alerts/subscribe/", {"email": "second@example.org"}), 429)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/no-such-list/", 404),
        ("/api/commitments/abc/", 404),
        ("/api/failing/500/", 500),
        ("/api/failing/403/", 403),
    ],
)
def test_errors_under_the_api_are_json(reader, path, status):
    response = reader.get(path)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["detail"]


def test_the_api_answers_a_foreign_host_in_json_too(reader):
    response = reader.get("/api/commitments/", HTTP_HOST="not-this-site.example")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}
