"""The incident log in Chromium under a strict Content-Security-Policy: the incidents page (filters,
the weekly chart and its table, the list) and an incident's page have no axe violations at 1366 px
and at phone width; the chart is drawn in its phone layout on a phone, every row's verification is
on screen, a filter narrows the list and the URL holds it. Screenshots go to test-artifacts/screenshots/."""

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.factories import karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def statuses_on_screen(page, table: str) -> list[bool]:
    cells = page.locator(f"{table} tbody tr [data-testid=row-status]")
    width = page.viewport_size["width"]
    found = []
    for index in range(cells.count()):
        box = cells.nth(index).bounding_box()
        found.append(
            cells.nth(index).is_visible() and box is not None and 0 <= box["x"] and box["x"] + box["width"] <= width
        )
    return found


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_incidents_page_and_an_incident_page_pass_axe(live_server, csp_page, viewport):
    data = karabakh_like()
    page = csp_page
    page.set_viewport_size(DESKTOP if viewport == "desktop" else PHONE)

    page.goto(live_server.url + "/incidents/")
    assert page.locator("table.incident-table tbody tr").count() == 2
    wide, phone = page.locator("svg.weekly-wide"), page.locator("svg.weekly-phone")
    assert (wide.is_visible(), phone.is_visible()) == ((True, False) if viewport == "desktop" else (False, True))
    assert statuses_on_screen(page, "table.incident-table") == [True, True]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"incident-list-{viewport}-{DESKTOP['width'] if viewport == 'desktop' else PHONE['width']}")
    list_violations = axe_violations(page)

    page.goto(live_server.url + data.shelling.get_absolute_url())
    assert page.locator("h1").inner_text().startswith("Shelling/artillery/missile attack: Hin Tagher")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"incident-{viewport}-{DESKTOP['width'] if viewport == 'desktop' else PHONE['width']}")
    incident_violations = axe_violations(page)

    assert list_violations == []
    assert incident_violations == []
    assert page.csp_violations == []


def test_a_filter_narrows_the_incidents_and_the_url_holds_it(live_server, page):
    karabakh_like()
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/incidents/")

    page.select_option("select[name=verification]", "alleged")
    page.get_by_role("button", name="Apply filters").click()  # not the header search

    assert "verification=alleged" in page.url
    assert page.locator("[data-testid=result-count]").inner_text() == "1 incident"
    assert page.locator("table.incident-table tbody tr th a").inner_text() == "Arrests"
