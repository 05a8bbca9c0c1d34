"""An incident through the monitoring desk in a real browser (Chromium, the site's own
Content-Security-Policy): one monitor records it with a new source from the commitment's "Record an
incident" link (the agreement and the commitment filled in); it is a draft the public does not see on
/incidents/; a second monitor publishes it from the review queue; then it is on /incidents/ and its
page says "reviewed by a second monitor". Then a spreadsheet of incidents with one bad row is refused
with its row number, and a good one is imported as drafts. Screenshots at 1366 px and at phone width."""

import pytest

from commitments.models import Incident, ReviewState, Source
from tests.browser.conftest import screenshot
from tests.browser.test_two_monitors_record_review_and_import_through_the_desk import (
    DESKTOP,
    PASSWORD,
    PHONE,
    log_in,
    saved_as_draft,
    upload,
)
from tests.factories import karabakh_like, make_monitor

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SOURCE_URL = "https://www.azatutyun.am/a/31000077.html"


@pytest.fixture
def desk(monitors_group):
    data = karabakh_like()
    for name in ("author", "reviewer"):
        user = make_monitor(name, agreement=data.agreement)
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(monitors_group)
        setattr(data, name, user)
    return data


def test_two_monitors_record_and_publish_an_incident(live_server, page, desk):
    refused = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append((page.url, message.text[:90])),
    )
    page.set_viewport_size(DESKTOP)

    # --- the author records it from the commitment's public page, with a new source ----------------
    log_in(page, live_server, "author")
    page.goto(f"{live_server.url}/commitments/{desk.route.pk}/")
    page.click("[data-testid=monitor-desk] >> text=Record an incident")
    assert "Ceasefire statement" in page.locator(".field-agreement").inner_text()  # filled in
    assert "Plan for a new route" in page.locator(".field-commitments").inner_text()
    page.fill("#id_occurred_on", "2020-12-10")
    page.fill("#id_location", "Khramort")
    page.fill("#id_country", "Azerbaijan")
    page.select_option("#id_geo_precision", "1")
    page.select_option("#id_event_type", "battles")
    page.select_option("#id_sub_event_type", "armed_clash")
    page.fill("#id_summary", "An armed clash near Khramort.")
    page.fill("#id_evidence-0-new_source_url", SOURCE_URL)
    page.wait_for_selector(".desk-source-hint >> text=filled in")  # publisher etc. from the site's sources
    assert page.input_value("#id_evidence-0-new_source_publisher") == "Azatutyun"
    page.fill("#id_evidence-0-new_source_title", "Clash reported near Khramort")
    page.fill("#id_evidence-0-new_source_published_on", "2020-12-11")
    page.fill("#id_evidence-0-quote", "Fighting broke out near Khramort on Thursday.")
    screenshot(page, "desk-record-incident-1366")
    page.click("input[name=_save]")
    saved_as_draft(page)
    incident = Incident.objects.get(location="Khramort")
    assert (incident.review_state, incident.recorded_by) == (ReviewState.DRAFT, desk.author)
    assert incident.evidence.get().source == Source.objects.get(url=SOURCE_URL, publisher="Azatutyun")
    assert list(incident.commitments.all()) == [desk.route]
    page.set_viewport_size(PHONE)
    screenshot(page, "desk-incident-draft-phone")
    page.set_viewport_size(DESKTOP)

    # --- the public does not see the draft -----------------------------------------------------
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/incidents/")
    assert "Khramort" not in page.locator("main").inner_text()
    assert page.goto(f"{live_server.url}/incidents/{incident.pk}/").status == 404

    # --- the second monitor publishes it from the review queue -----------------------------------
    log_in(page, live_server, "reviewer")
    page.click("[data-testid=review-queue-link]")
    page.click("[data-testid=queue-incident] table a >> text=Khramort")
    page.wait_for_selector("[data-testid=review-panel]")
    assert page.locator("input[name=_save]").count() == 0  # view-only for a reviewer
    page.click("[data-testid=publish]")
    assert "Published" in page.locator(".messagelist").inner_text()
    incident.refresh_from_db()
    assert (incident.review_state, incident.reviewed_by) == (ReviewState.PUBLISHED, desk.reviewer)

    # --- now it is public, marked as reviewed -------------------------------------------------------
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/incidents/")
    assert "Khramort" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    assert "reviewed by a second monitor" in page.locator("main").inner_text().lower()
    screenshot(page, "desk-incident-published-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, "desk-incident-published-phone")

    # --- a spreadsheet of incidents with one bad row, then a good one ---------------------------
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "author")
    header = "agreement,date,location,country,geo_precision,event_type,sub_event_type,summary,quote,source_url\n"
    slug = desk.agreement.slug
    good = f"{slug},2020-12-10,Fizuli,Azerbaijan,2,battles,armed_clash,A clash.,Shots were fired.,{SOURCE_URL}\n"
    bad = f"{slug},2020-12-10,Hadrut,Azerbaijan,2,battles,peaceful_protest,A clash.,Shots.,{SOURCE_URL}\n"
    before = Incident.objects.count()
    page.goto(f"{live_server.url}/admin/commitments/incident/import/")
    upload(page, "incidents-bad.csv", header + good + bad)
    refused_rows = page.locator("[data-testid=refused-row]")
    assert refused_rows.count() == 1, page.locator("#content").inner_text()[:3000]
    assert refused_rows.first.inner_text().startswith("Row 3")  # the file's row: the header is row 1
    assert "is not a kind of" in refused_rows.first.inner_text()
    screenshot(page, "desk-incident-import-refused-row-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, "desk-incident-import-refused-row-phone")
    page.set_viewport_size(DESKTOP)
    assert Incident.objects.count() == before  # all or nothing

    page.goto(f"{live_server.url}/admin/commitments/incident/import/")
    upload(page, "incidents-good.csv", header + good)
    with page.expect_navigation():
        page.click("input[name=confirm]")
    imported = Incident.objects.get(location="Fizuli")
    assert (imported.review_state, imported.recorded_by) == (ReviewState.DRAFT, desk.author)
    assert refused == []
