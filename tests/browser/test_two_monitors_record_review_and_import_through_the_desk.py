"""The monitoring desk in a real browser (Chromium, the site's own Content-Security-Policy): one monitor
records an assessment with a new source (the actions counted), a claim and a deadline change through the
"Record" pages, all saved as drafts the public does not see; a second monitor publishes them from the
review queue and the public page shows them as reviewed; a spreadsheet with one bad row is refused with
its row number, then a good one is imported as drafts. Screenshots at 1366 px and at phone width."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from commitments.models import Claim, DeadlineChange, ReviewState, Source, StatusUpdate
from tests.browser.conftest import screenshot
from tests.factories import karabakh_like, make_monitor, make_speaker

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


class Counted:
    """The page actions a monitor takes (a click, a field typed in, an option chosen, a key pressed)."""

    def __init__(self, page):
        self.page, self.actions = page, []

    def click(self, selector: str) -> None:
        self.actions.append(f"click {selector}")
        self.page.click(selector)

    def fill(self, selector: str, value: str) -> None:
        self.actions.append(f"type in {selector}")
        self.page.fill(selector, value)

    def choose(self, selector: str, value: str) -> None:
        self.actions.append(f"choose {value} in {selector}")
        self.page.select_option(selector, value)


@pytest.fixture
def desk(monitors_group):
    data = karabakh_like()
    make_speaker("Foreign ministry spokesperson", "Ministry of Foreign Affairs", data.azerbaijan)
    for name in ("author", "reviewer"):
        user = make_monitor(name, agreement=data.agreement)
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(monitors_group)
        setattr(data, name, user)
    return data


def log_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#monitoring-desk")


def pick(page, chooser: str, typed: str) -> None:
    """Choose in an autocomplete chooser by typing and pressing Enter (select2, as the admin has it)."""
    page.click(f"{chooser} + .select2 .select2-selection")

    def answers_the_typed_term(response) -> bool:
        return "/admin/autocomplete/" in response.url and parse_qs(urlsplit(response.url).query).get("term") == [typed]

    search = page.wait_for_selector(".select2-container--open .select2-search__field")
    with page.expect_response(answers_the_typed_term):
        search.type(typed)
    # The list shown on opening (every option) may still be there: wait for the answer to the term.
    page.wait_for_function(
        """typed => {
            const first = document.querySelector(".select2-results__option--highlighted:not(.loading-results)");
            return first !== null && first.textContent.toLowerCase().includes(typed.toLowerCase());
        }""",
        arg=typed,
    )
    page.keyboard.press("Enter")


def saved_as_draft(page) -> str:
    page.wait_for_selector(".messagelist, .errornote")
    errors = page.locator(".errorlist, .errornote")
    assert errors.count() == 0, errors.all_inner_texts()
    assert page.locator(".messagelist").count(), page.locator("#content").inner_text()[:3000]
    message = page.locator(".messagelist").inner_text()
    assert "Saved as a draft" in message
    return message


def test_two_monitors_record_review_publish_and_import(live_server, page, desk):
    refused = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append((page.url, message.text[:90])),
    )
    page.set_viewport_size(DESKTOP)
    public_page = f"{live_server.url}/commitments/{desk.route.pk}/"

    # --- an assessment with a new source, from the commitment's public page -------------------
    log_in(page, live_server, "author")
    page.goto(public_page)
    monitor = Counted(page)
    monitor.click("[data-testid=monitor-desk] >> text=Record an assessment")
    assert "Plan for a new route" in page.locator(".field-commitment").inner_text()  # chosen, unambiguous
    screenshot(page, "desk-record-assessment-1366")
    monitor.choose("#id_status", "not_started")
    monitor.fill("#id_summary", "No plan for the new route has been presented.")
    monitor.fill("#id_evidence-0-new_source_url", "https://www.azatutyun.am/a/31000001.html")
    page.wait_for_selector(".desk-source-hint >> text=filled in")  # publisher etc. from the site's sources
    assert page.input_value("#id_evidence-0-new_source_publisher") == "Azatutyun"
    monitor.fill("#id_evidence-0-new_source_title", "No plan yet for the new route")
    monitor.fill("#id_evidence-0-new_source_published_on", "2020-12-10")
    monitor.fill("#id_evidence-0-quote", "No plan for the new route has been presented so far.")
    assert page.input_value("#id_evidence-0-speech_kind") == "source"  # whose words: the source's, unless changed
    monitor.click("input[name=_save]")
    saved_as_draft(page)
    assert len(monitor.actions) <= 8, monitor.actions  # issue 13's target
    assessment = StatusUpdate.objects.get(commitment=desk.route)
    assert assessment.review_state == ReviewState.DRAFT
    assert assessment.as_of == dt.date(2020, 12, 10)  # dated as its source
    evidence = assessment.evidence.get()
    assert evidence.source == Source.objects.get(url="https://www.azatutyun.am/a/31000001.html")
    assert (evidence.source.publisher, evidence.speech_kind) == ("Azatutyun", "source")
    screenshot(page, "desk-assessment-draft-1366")

    # --- a claim: the party chosen by its name ("Azerbaijan" + Enter), a speaker, a recorded source ------
    page.goto(public_page)
    page.click("[data-testid=monitor-desk] >> text=Record a claim")
    pick(page, "#id_party", "Azerbaijan")
    assert "Republic of Azerbaijan" in page.locator("#select2-id_party-container").inner_text()
    pick(page, "#id_speaker", "spokesperson")
    page.select_option("#id_speech_kind", "reported")
    page.select_option("#id_position", "not_started")
    page.fill("#id_summary", "Says no talks on the route have begun.")
    pick(page, "#id_source", "Azatutyun")
    page.fill("#id_quote", "Talks on the new route have not begun.")
    page.click("input[name=_save]")
    saved_as_draft(page)
    claim = Claim.objects.get(commitment=desk.route)
    assert (claim.party, claim.review_state) == (desk.azerbaijan, ReviewState.DRAFT)

    # --- a deadline change ---------------------------------------------------------------
    page.goto(f"{live_server.url}/commitments/{desk.aghdam.pk}/")
    page.click("[data-testid=monitor-desk] >> text=Record a deadline change")
    page.fill("#id_new_deadline", "2020-11-30")
    page.fill("#id_decided_on", "2020-11-18")
    pick(page, "#id_agreed_by", "Azerbaijan")
    page.fill("#id_reason", "Armenia asked for ten more days to leave Aghdam.")
    pick(page, "#id_source", "Al Jazeera")
    page.fill("#id_quote", "The handover of Aghdam was postponed by ten days.")
    page.click("input[name=_save]")
    saved_as_draft(page)
    change = DeadlineChange.objects.get(commitment=desk.aghdam, review_state=ReviewState.DRAFT)

    # --- nothing of it is public yet; the author cannot publish their own ---------------------
    page.context.clear_cookies()
    page.goto(public_page)
    assert "No plan for the new route" not in page.content()
    assert "no talks on the route" not in page.content()
    log_in(page, live_server, "author")
    page.goto(f"{live_server.url}/admin/commitments/statusupdate/{assessment.pk}/change/")
    assert page.locator("[data-testid=publish]").count() == 0

    # --- the second monitor publishes all three from the review queue ----------------------------
    log_in(page, live_server, "reviewer")
    assert "3 entries await your review" in page.locator("[data-testid=review-count]").inner_text()
    screenshot(page, "desk-admin-index-1366")
    page.click("[data-testid=review-queue-link]")
    screenshot(page, "desk-review-queue-1366")
    for label in ("queue-assessment", "queue-claim", "queue-deadline-change"):
        page.click(f"[data-testid={label}] table a")
        page.wait_for_selector("[data-testid=review-panel]")
        assert page.locator("input[name=_save]").count() == 0  # view-only for a reviewer
        page.click("[data-testid=publish]")
        assert "Published" in page.locator(".messagelist").inner_text()
    assert "0 entries await your review" in page.locator("[data-testid=queue-total]").inner_text()
    for entry in (assessment, claim, change):
        entry.refresh_from_db()
        assert (entry.review_state, entry.reviewed_by) == (ReviewState.PUBLISHED, desk.reviewer)

    page.context.clear_cookies()
    page.goto(public_page)
    body = page.locator("main").inner_text()
    assert "No plan for the new route has been presented." in body
    assert "reviewed by a second monitor" in body.lower()
    screenshot(page, "desk-published-on-the-public-page-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, "desk-published-on-the-public-page-phone")

    # --- a spreadsheet with one bad row, then a good one -----------------------------------
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "author")
    slug = desk.agreement.slug
    header = "agreement,commitment,status,summary,quote,whose_words,source_url\n"
    good = f"{slug},kalbajar-handover,fulfilled,Handed over.,Kalbajar was handed over.,source,{desk.azatutyun.url}\n"
    bad = f"{slug},no-such-commitment,fulfilled,Handed over.,Handed over.,source,{desk.azatutyun.url}\n"
    before = StatusUpdate.objects.count()
    page.goto(f"{live_server.url}/admin/commitments/statusupdate/import/")
    upload(page, "bad.csv", header + good + bad)
    refused_rows = page.locator("[data-testid=refused-row]")
    assert refused_rows.count() == 1, page.locator("#content").inner_text()[:3000]
    assert refused_rows.first.inner_text().startswith("Row 3")  # the file's row: the header is row 1
    screenshot(page, "desk-import-refused-row-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, "desk-import-refused-row-phone")
    page.set_viewport_size(DESKTOP)
    assert StatusUpdate.objects.count() == before  # all or nothing

    page.goto(f"{live_server.url}/admin/commitments/statusupdate/import/")
    upload(page, "good.csv", header + good)
    with page.expect_navigation():
        page.click("input[name=confirm]")
    assert StatusUpdate.objects.count() == before + 1
    imported = StatusUpdate.objects.latest("pk")
    assert (imported.commitment, imported.review_state, imported.recorded_by) == (
        desk.kalbajar,
        ReviewState.DRAFT,
        desk.author,
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/")
    screenshot(page, "desk-admin-index-phone")
    assert refused == []


def upload(page, name: str, content: str) -> None:
    page.set_input_files("input[name=import_file]", {"name": name, "mimeType": "text/csv", "buffer": content.encode()})
    if page.locator("select[name=format]").count():
        page.select_option("select[name=format]", label="csv")
    with page.expect_navigation():
        page.click(".submit-row input[type=submit]")
