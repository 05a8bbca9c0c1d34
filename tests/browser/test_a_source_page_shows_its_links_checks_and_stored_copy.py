"""A source page with an archived copy, link checks and a stored copy reads well at desktop and
phone widths (long addresses and fingerprints wrap), passes axe-core under a strict CSP, and a
monitor's page offers the download."""

import pytest
from django.contrib.auth.models import User

from commitments.models import SourceCheck
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import utc
from tests.factories import add_link_check, karabakh_like, make_snapshot

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_source_page_with_checks_and_a_copy(live_server, csp_page, snapshot_storage, viewport):
    data = karabakh_like()
    source = data.azatutyun
    source.archive_url = "https://web.archive.org/web/20201207000000*/https://www.azatutyun.am/a/30988000.html"
    source.save()
    snapshot = make_snapshot(source, b"<!DOCTYPE html><html><body><p>Lavrov and Ayvazian.</p></body></html>")
    add_link_check(source, SourceCheck.Outcome.CHANGED, checked_at=utc(2026, 11, 30, 3, 30))
    add_link_check(
        source,
        SourceCheck.Outcome.REDIRECTED,
        link=SourceCheck.Link.ARCHIVE,
        checked_at=utc(2026, 11, 30, 3, 30),
        final_url="https://web.archive.org/web/20201207101500/https://www.azatutyun.am/a/30988000.html",
    )
    page = csp_page
    page.set_viewport_size(VIEWPORTS[viewport])

    response = page.goto(f"{live_server.url}/sources/{source.pk}/")

    assert response.status == 200
    assert "changed since the stored copy" in page.inner_text("main")
    assert snapshot.sha256 in page.inner_text("main")
    screenshot(page, f"source-with-checks-and-copy-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    assert axe_violations(page) == []
    assert page.csp_violations == []


def test_a_monitor_sees_the_download_link_on_the_source_page(live_server, csp_page, snapshot_storage, monitors_group):
    data = karabakh_like()
    snapshot = make_snapshot(data.azatutyun, b"<!DOCTYPE html><html><body><p>Copy.</p></body></html>")
    monitor = User.objects.create_user("monitor", password="pw", is_staff=True)
    monitor.groups.add(monitors_group)
    page = csp_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "monitor")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/sources/{data.azatutyun.pk}/")

    link = page.get_by_role("link", name="Download this copy")
    assert link.get_attribute("href") == snapshot.get_download_url()
