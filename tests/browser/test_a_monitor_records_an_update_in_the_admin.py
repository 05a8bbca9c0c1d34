"""A monitor records a status update with a quoted source in the admin, in a real browser, under the
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
    form = "#status_updates-2-0"
    page.select_option(f"{form} select[name$='-status']", "fulfilled")
    page.fill(f"{form} input[name$='-as_of']", "2020-11-25")
    page.fill(f"{form} textarea[name$='-summary']", "Handed over on the extended deadline.")
    page.click(f"{form} .field-evidence_source .select2-selection")
    page.keyboard.type("TASS")
    page.wait_for_selector(".select2-results__option--highlighted")
    page.keyboard.press("Enter")
    page.fill(f"{form} textarea[name$='-evidence_quote']", "The Kalbajar district was handed over on 25 November.")
    page.click("input[name=_continue]")

    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    screenshot(page, "admin-commitment-after-recording")
    update = StatusUpdate.objects.get(commitment=kalbajar)
    assert (update.status, update.recorded_by.username) == ("fulfilled", "monitor")
    assert update.evidence.get().source.publisher == "TASS"
    assert refused == []
