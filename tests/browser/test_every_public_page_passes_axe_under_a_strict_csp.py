"""axe-core finds no violation on any public page (the API docs, the alerts page and the error
pages included), at desktop and phone widths, with a strict Content-Security-Policy in force;
the stylesheet loads; no request of any page fails (the favicon included); screenshots go to
test-artifacts/screenshots/."""

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.factories import karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
HEADER_BACKGROUND = "rgb(27, 31, 36)"  # the site's ink, from its stylesheet


def public_pages(data) -> dict[str, tuple[str, int]]:
    return {
        "home": ("/", 200),
        "commitment-list": ("/commitments/", 200),
        "commitment-list-filtered": ("/commitments/?overdue=no&sort=-deadline", 200),
        "commitment-list-invalid": ("/commitments/?status=nonsense&deadline_to=not-a-date", 200),
        "commitment-disputed": (data.prisoners.get_absolute_url(), 200),
        "commitment-extended": (data.kalbajar.get_absolute_url(), 200),
        "commitment-overdue": (data.route.get_absolute_url(), 200),
        "agreement-list": ("/agreements/", 200),
        "agreement": (data.agreement.get_absolute_url(), 200),
        "source-list": ("/sources/", 200),
        "source": (f"/sources/{data.azatutyun.pk}/", 200),
        "incident-list": ("/incidents/", 200),
        "incident-list-filtered": (f"/agreements/{data.agreement.slug}/incidents/?verification=corroborated", 200),
        "incident": (data.shelling.get_absolute_url(), 200),
        "parties": ("/parties/", 200),
        "party": ("/parties/armenia/", 200),
        "speaker": (f"/speakers/{data.ayvazian.speaker_id}/", 200),
        "search": ("/search/?q=Ayvazian", 200),
        "search-nothing": ("/search/?q=zzzz&agreement=nope", 200),
        "implementation": (f"{data.agreement.get_absolute_url()}implementation/", 200),
        "agreement-as-of": (f"{data.agreement.get_absolute_url()}?as_of=2020-12-01", 200),
        "commitment-as-of": (f"{data.prisoners.get_absolute_url()}?as_of=2020-12-01", 200),
        "home-as-of": ("/?as_of=2020-12-01", 200),
        "alerts-subscribe": ("/alerts/subscribe/", 200),
        "api-docs": ("/api/docs/", 200),
        "error-404": ("/no-such-page/", 404),
    }


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_public_page_has_no_axe_violations(live_server, csp_page, viewport):
    data = karabakh_like()
    page = csp_page
    page.set_viewport_size(VIEWPORTS[viewport])
    failed_requests = []
    page.on("response", lambda response: response.status >= 400 and failed_requests.append(response.url))
    found = {}
    for name, (path, status) in public_pages(data).items():
        response = page.goto(live_server.url + path)
        assert response.status == status, path
        if name == "api-docs":
            page.locator(".swagger-ui .opblock").first.wait_for()  # Swagger UI has drawn the operations
            header = ".api-docs-header"
        else:
            header = ".site-header"
        # The stylesheet loaded: the header takes its colours from it.
        assert page.evaluate(f"getComputedStyle(document.querySelector('{header}')).backgroundColor") == (
            HEADER_BACKGROUND
        ), f"CSS did not load on {path}"
        screenshot(page, f"{name}-{viewport}")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
    assert page.csp_violations == []
    assert failed_requests == [live_server.url + "/no-such-page/"]  # only the page that is meant to be a 404
