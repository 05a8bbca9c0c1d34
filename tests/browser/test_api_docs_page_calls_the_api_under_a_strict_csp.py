"""The API documentation page (Swagger UI, served from the sidecar package) renders under a
strict Content-Security-Policy, a reader can call the API from it, and axe finds nothing on
the form and the answer it shows either; screenshot in test-artifacts/screenshots/api-docs.png."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.factories import karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_reader_lists_the_overdue_commitments_from_the_docs_page(live_server, csp_page):
    karabakh_like()
    page = csp_page
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="API docs").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Ceasefire Tracker API")
    operation = page.locator("#operations-commitments-commitments_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("tr[data-param-name=overdue] select").select_option("yes")
    operation.get_by_role("button", name="Execute").click()

    body = operation.locator(".responses-wrapper .live-responses-table .response-col_description pre").first
    expect(body).to_contain_text('"code": "route-plan"')
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text(re.compile("200"))
    screenshot(page, "api-docs")
    assert axe_violations(page) == []
    assert page.csp_violations == []
