"""On the shipped seed, in Chromium at desktop and phone widths, under a strict CSP: the prisoner
exchange, the peacekeeping mandate and a source page show who is speaking, dates only as precise
as their sources, each assessment's support, both kinds of contradiction and the mandate's terms;
axe-core finds no violation; screenshots go to test-artifacts/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from commitments.models import Commitment, Source
from commitments.seeding import load_agreement_file
from tests.browser.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SEED = Path(settings.BASE_DIR) / "seeds" / "karabakh-2020.yaml"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_evidence_pages_of_the_seed(live_server, csp_page, viewport):
    load_agreement_file(SEED)
    page = csp_page
    page.set_viewport_size(VIEWPORTS[viewport])
    azatutyun = Source.objects.get(publisher__startswith="Azatutyun", published_on="2020-12-07")
    found = {}

    def visit(name: str, path: str):
        assert page.goto(live_server.url + path).status == 200
        screenshot(page, f"seed-{name}-{viewport}")
        violations = axe_violations(page)
        if violations:
            found[name] = violations
        return page.locator("main").inner_text()

    prisoners = visit("prisoner-exchange", Commitment.objects.get(code="prisoner-exchange").get_absolute_url())
    assert "Azatutyun (RFE/RL Armenian Service) reported:" in prisoners  # the reporter's narration
    assert "Sergei Lavrov said:" in prisoners
    assert "reported what Ara Ayvazian said" in prisoners
    assert "A later entry corrects this one" in prisoners and "reporter's narration" in prisoners
    assert "Support: one source" in prisoners
    assert page.get_by_test_id("conflicting-claims").locator("article.claim").count() == 2  # disputed

    mandate = visit("peacekeeping-mandate", Commitment.objects.get(code="peacekeeping-mandate").get_absolute_url())
    terms = page.get_by_test_id("terms").inner_text()
    assert "Nov. 10, 2025" in terms and "May 10, 2025" in terms and "never reached" in terms
    assert "No current term" in mandate and "2030" not in mandate
    assert "Support: party sources only" in mandate
    assert "September 2023" in mandate and "Sept. 1, 2023" not in mandate

    refugees = visit("refugee-return", Commitment.objects.get(code="refugee-return").get_absolute_url())
    assert "Contested by a party:" in page.get_by_test_id("contested").inner_text()
    assert (
        "supervised or monitored by" in refugees.lower()
        and "Office of the United Nations High Commissioner" in refugees
    )

    source = visit("source-azatutyun", f"/sources/{azatutyun.pk}/")
    assert "Sergei Lavrov said:" in source and "Azatutyun (RFE/RL Armenian Service) reported:" in source

    home = visit("home", "/")
    assert "Met the extended deadline (10 days after the original)" in home

    visit("methodology", "/methodology/")
    corrections = visit("corrections", "/corrections/")
    assert corrections.count("Why:") == 2

    assert found == {}
    assert page.csp_violations == []
