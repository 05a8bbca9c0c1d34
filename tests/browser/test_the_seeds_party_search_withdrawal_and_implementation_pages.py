"""With the three shipped seeds loaded: a party's page, the search results for "Ayvazian", the
Israel–Lebanon withdrawal commitment and the 2020 statement's implementation-over-time chart, at
desktop and phone widths, under a strict Content-Security-Policy, with no axe violation and nothing
wider than the phone; screenshots go to test-artifacts/screenshots/."""

import pytest

from commitments.models import Commitment
from tests.browser.conftest import axe_violations, screenshot
from tests.factories import load_all_seeds

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_new_pages_pass_axe_and_fit_the_screen(live_server, csp_page, viewport):
    load_all_seeds()
    withdrawal = Commitment.objects.get(code="israeli-withdrawal")
    page = csp_page
    page.set_viewport_size(VIEWPORTS[viewport])
    pages = {
        "seed-party-israel": "/parties/israel/",
        "seed-search-ayvazian": "/search/?q=Ayvazian",
        "seed-israel-lebanon-withdrawal": withdrawal.get_absolute_url(),
        "seed-implementation-karabakh-2020": "/agreements/karabakh-2020/implementation/",
        "seed-agreement-karabakh-2020": "/agreements/karabakh-2020/",
        "seed-agreement-moscow-2021": "/agreements/moscow-2021/",
    }
    found, wider = {}, {}
    for name, path in pages.items():
        assert page.goto(live_server.url + path).status == 200, path
        screenshot(page, f"{name}-{viewport}")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
        if page.evaluate("document.documentElement.scrollWidth") > VIEWPORTS[viewport]["width"]:
            wider[path] = page.evaluate("document.documentElement.scrollWidth")
    assert found == {}
    assert wider == {}
    assert page.csp_violations == []

    page.goto(live_server.url + "/search/?q=Ayvazian")
    assert page.locator("mark", has_text="Ayvazian").count() >= 2
    page.goto(live_server.url + withdrawal.get_absolute_url())
    assert page.get_by_text("Overdue by").first.is_visible()
    assert page.get_by_text("Announced by United States.").is_visible()
    page.goto(live_server.url + "/agreements/karabakh-2020/")
    assert page.locator("[data-testid=point-link]").get_by_text("Implemented by").is_visible()
    chart = page.locator(f"svg.implementation-{'phone' if viewport == 'phone' else 'wide'}").first
    assert chart.is_visible()
