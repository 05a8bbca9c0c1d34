"""With more agreements than the home page has panels for, in Chromium under a strict
Content-Security-Policy at 1366 px and at phone width: the home page draws the panels and a link
to all agreements, the agreement list shows every row's figures on screen, neither page is wider
than the screen, and axe finds no violation. Screenshots go to test-artifacts/screenshots/."""

import datetime as dt

import pytest

from dashboard.views import HOME_AGREEMENT_LIMIT
from tests.browser.conftest import axe_violations, screenshot
from tests.factories import add_status, karabakh_like, make_agreement, make_commitment, make_provision

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
MORE = HOME_AGREEMENT_LIMIT + 2


def many_agreements() -> None:
    """The statement, and more agreements with long titles, each with a fulfilled and an open commitment."""
    karabakh_like()
    for n in range(MORE):
        agreement = make_agreement(
            f"agreement-{n:02}",
            title=f"Agreement on the cessation of hostilities and the withdrawal of forces, number {n}",
            short_title=f"Cessation of hostilities agreement {n}" if n % 2 else "",
        )
        provision = make_provision(agreement, "1")
        add_status(make_commitment(provision, deadline=dt.date(2021, 3, 1)), "fulfilled", dt.date(2021, 2, 1))
        make_commitment(provision, deadline=dt.date(2021, 3, 1) + dt.timedelta(days=n))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_home_page_links_to_the_agreement_list_and_both_fit_the_screen(live_server, csp_page, viewport):
    many_agreements()
    page = csp_page
    size = VIEWPORTS[viewport]
    page.set_viewport_size(size)

    page.goto(live_server.url + "/")
    panels = page.locator("section.agreement-summary").count()
    link = page.locator("[data-testid=all-agreements]")
    assert link.is_visible() and link.inner_text() == f"All {MORE + 1} agreements"
    home_width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"home-many-agreements-{viewport}-{size['width']}")
    home_violations = axe_violations(page)

    link.click()
    page.wait_for_url("**/agreements/")
    cells = page.locator("table.stack-on-phone tbody tr [data-testid=row-status]")
    on_screen = []
    for index in range(cells.count()):
        box = cells.nth(index).bounding_box()
        on_screen.append(cells.nth(index).is_visible() and 0 <= box["x"] and box["x"] + box["width"] <= size["width"])
    list_width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"agreement-list-{viewport}-{size['width']}")
    list_violations = axe_violations(page)

    assert panels == HOME_AGREEMENT_LIMIT
    assert on_screen == [True] * (MORE + 1)
    assert home_width <= size["width"] and list_width <= size["width"]
    assert home_violations == [] and list_violations == []
    assert page.csp_violations == []
