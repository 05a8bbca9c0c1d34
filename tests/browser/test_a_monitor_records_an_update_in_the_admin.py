"""A monitor records a status update with a quoted source in the admin (the Record page, reached from the
commitment's admin page), in a real browser, under the
site's own Content-Security-Policy (django-csp, no unsafe-inline): the autocomplete works and nothing is refused."""

import datetime as dt

import pytest
from django.contrib.auth.models import User

from commitments.models import Agreement, Commitment, Party, Provision, Source, StatusUpdate
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kalbajar(monitors_group):
    agreement = Agreement.objects.create(
        slug="statement",
        title="Trilateral statement",
        signed_on=dt.date(2020, 11, 9),
        time_zone="Europe/Moscow",
        entry_into_force=dt.datetime(2020, 11, 9, 21, tzinfo=dt.UTC),
    )
    provision = Provision.objects.create(agreement=agreement, number="6", position=6, text="Point six.")
    commitment = Commitment.objects.create(
        provision=provision,
        code="kalbajar",
        title="Return of the Kalbajar district",
        description="Armenia returns Kalbajar.",
        category="territorial_handover",
        deadline_kind="date",
        deadline_date=dt.date(2020, 11, 15),
    )
    commitment.responsible_parties.add(Party.objects.create(slug="armenia", name="Armenia", kind="state"))
    Source.objects.create(
        publisher="TASS",
        title="Kalbajar handed over",
        published_on=dt.date(2020, 12, 1),
        language="en",
        kind="news_report",
    )
    monitor = User.objects.create_user("monitor", password="a-long-demo-password", is_staff=True)
    monitor.groups.add(monitors_group)
    agreement.monitors.add(monitor)
    return commitment


def test_a_monitor_records_an_update_with_an_autocompleted_source(live_server, page, kalbajar):
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))

    response = page.goto(live_server.url + "/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    page.fill("#id_username", "monitor")
    page.fill("#id_password", "a-long-demo-password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/commitments/commitment/{kalbajar.pk}/change/")
    page.click("[data-testid=record-links] >> text=Record an assessment")  # the commitment comes chosen
    page.select_option("#id_status", "fulfilled")
    page.fill("#id_as_of", "2020-11-25")
    page.fill("#id_summary", "Handed over on the extended deadline.")
    page.click("#id_evidence-0-source + .select2 .select2-selection")
    search = page.wait_for_selector(".select2-container--open .select2-search__field")
    with page.expect_response(lambda response: "/admin/autocomplete/" in response.url and "term=TASS" in response.url):
        search.type("TASS")
    page.wait_for_selector(".select2-results__option--highlighted:not(.loading-results)")
    page.keyboard.press("Enter")
    page.fill("#id_evidence-0-quote", "The Kalbajar district was handed over on 25 November.")
    page.select_option("#id_evidence-0-speech_kind", "source")
    with page.expect_navigation():
        page.click("input[name=_save]")

    assert "Saved as a draft" in page.locator(".messagelist").inner_text()
    screenshot(page, "admin-commitment-after-recording")
    update = StatusUpdate.objects.get(commitment=kalbajar)
    assert (update.status, update.recorded_by.username) == ("fulfilled", "monitor")
    assert update.evidence.get().source.publisher == "TASS"
    assert refused == []
