"""The admin's list pages fit a 1366 px screen without losing a column (nothing wider than the window,
every column's header in view), and their agreement filter lists only the monitor's agreements."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import karabakh_like, make_agreement, make_monitor

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
LISTS = ["commitment", "statusupdate", "claim", "deadlinechange", "source", "speaker"]


@pytest.fixture
def monitor(monitors_group):
    data = karabakh_like()
    make_agreement(slug="other", title="An agreement of another monitor", short_title="Other agreement")
    user = make_monitor("author", agreement=data.agreement)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(monitors_group)
    return user


def test_every_list_fits_1366_px_and_the_agreement_filter_is_the_monitors(live_server, page, monitor):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "author")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#monitoring-desk")

    for model in LISTS:
        page.goto(f"{live_server.url}/admin/commitments/{model}/")
        page.wait_for_selector("#result_list")
        overflow = page.evaluate(
            """() => ({
                page: document.documentElement.scrollWidth - window.innerWidth,
                hidden: [...document.querySelectorAll('#result_list thead th')]
                    .filter(th => th.getBoundingClientRect().right > window.innerWidth)
                    .map(th => th.innerText.trim()),
            })"""
        )
        assert overflow == {"page": 0, "hidden": []}, model
        filters = page.locator("#changelist-filter").inner_text() if page.locator("#changelist-filter").count() else ""
        assert "Other agreement" not in filters and "another monitor" not in filters, model
        if model in ("commitment", "statusupdate", "claim"):
            assert "Ceasefire statement" in filters, model  # the filter is there, with the monitor's own
        screenshot(page, f"admin-list-{model}-1366")
