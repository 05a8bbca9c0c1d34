"""axe-core finds no violation on any public page, at desktop and phone widths, with a strict
Content-Security-Policy in force; the stylesheet loads; screenshots go to test-artifacts/screenshots/."""

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.factories import karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def public_pages(data) -> dict[str, str]:
    return {
        "home": "/",
        "commitment-list": "/commitments/",
        "commitment-list-filtered": "/commitments/?overdue=no&sort=-deadline",
        "commitment-list-invalid": "/commitments/?status=nonsense&deadline_to=not-a-date",
        "commitment-disputed": data.prisoners.get_absolute_url(),
        "commitment-extended": data.kalbajar.get_absolute_url(),
        "commitment-overdue": data.route.get_absolute_url(),
        "agreement": data.agreement.get_absolute_url(),
        "source-list": "/sources/",
        "source": f"/sources/{data.azatutyun.pk}/",
    }


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_public_page_has_no_axe_violations(live_server, csp_page, viewport):
    data = karabakh_like()
    page = csp_page
    page.set_viewport_size(VIEWPORTS[viewport])
    found = {}
    for name, path in public_pages(data).items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        # The stylesheet loaded: the header takes its colours from it.
        assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == (
            "rgb(27, 31, 36)"
        ), f"CSS did not load on {path}"
        screenshot(page, f"{name}-{viewport}")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
    assert page.csp_violations == []
