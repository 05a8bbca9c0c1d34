"""At phone width (390 px) no public page is wider than the screen, each row of the home page's
deadline table and of the commitment list is a block whose status shows on screen, and the
deadline timeline is drawn in its phone layout instead of being hidden; at desktop width the
tables are tables again. Screenshots of both go to test-artifacts/screenshots/."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import bulk_data, karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Every element the page shows that reaches past the right edge of the screen (none may).
PAST_THE_EDGE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className : ''))"""


def pages(data) -> list[str]:
    return [
        "/",
        "/commitments/",
        "/commitments/?overdue=yes",
        data.prisoners.get_absolute_url(),
        data.kalbajar.get_absolute_url(),
        "/agreements/",
        data.agreement.get_absolute_url(),
        "/sources/",
        f"/sources/{data.azatutyun.pk}/",
        "/incidents/",
        data.shelling.get_absolute_url(),
        "/parties/",
        "/parties/armenia/",
        f"/speakers/{data.ayvazian.speaker_id}/",
        "/search/?q=Ayvazian",
        f"{data.agreement.get_absolute_url()}implementation/",
        "/?as_of=2020-12-01",
        "/alerts/subscribe/",
        "/no-such-page/",
    ]


def row_statuses_on_screen(page, table: str) -> list[bool]:
    """Return, for each row of `table`, whether its status cell is visible and within the screen."""
    cells = page.locator(f"{table} tbody tr [data-testid=row-status]")
    width = page.viewport_size["width"]
    found = []
    for index in range(cells.count()):
        cell = cells.nth(index)
        box = cell.bounding_box()
        found.append(cell.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width)
    return found


def test_no_public_page_is_wider_than_a_phone(live_server, page):
    data = karabakh_like()
    bulk_data(agreements=1, points=3, per_point=2)
    page.set_viewport_size(PHONE)

    wider = {}
    for path in pages(data):
        page.goto(live_server.url + path)
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"] or page.evaluate(PAST_THE_EDGE):
            wider[path] = page.evaluate(PAST_THE_EDGE)[:5]

    assert wider == {}


def test_every_row_shows_its_status_on_a_phone_and_the_timeline_has_a_phone_layout(live_server, page):
    karabakh_like()
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/")
    home_rows = row_statuses_on_screen(page, "table.stack-on-phone")
    assert page.locator("svg.timeline-phone").is_visible()
    assert not page.locator("svg.timeline-wide").is_visible()
    assert page.locator("svg.timeline-phone g.row").count() == len(home_rows) == 3
    screenshot(page, "phone-layout-home")
    page.goto(live_server.url + "/commitments/")
    list_rows = row_statuses_on_screen(page, "table.commitment-table")
    screenshot(page, "phone-layout-commitment-list")

    assert home_rows == [True] * 3
    assert list_rows == [True] * 4
    # Each row is one block, its cells stacked: the status sits below the title, not beside it.
    title = page.locator("table.commitment-table tbody tr").first.locator("th").bounding_box()
    status = page.locator("table.commitment-table tbody tr").first.locator("[data-testid=row-status]").bounding_box()
    assert status["y"] > title["y"] + title["height"] - 1


def test_at_desktop_width_the_tables_are_tables_and_the_timeline_is_wide(live_server, page):
    karabakh_like()
    page.set_viewport_size(DESKTOP)

    page.goto(live_server.url + "/")
    assert page.locator("svg.timeline-wide").is_visible()
    assert not page.locator("svg.timeline-phone").is_visible()
    assert page.locator("table.stack-on-phone thead").is_visible()
    screenshot(page, "desktop-layout-home")
    page.goto(live_server.url + "/commitments/")
    row = page.locator("table.commitment-table tbody tr").first
    title, status = row.locator("th").bounding_box(), row.locator("[data-testid=row-status]").bounding_box()
    assert abs(status["y"] - title["y"]) < 5  # side by side, in one line of the table
    assert row_statuses_on_screen(page, "table.commitment-table") == [True] * 4
    screenshot(page, "desktop-layout-commitment-list")
