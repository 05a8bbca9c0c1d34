"""A public methodology page, linked from every page's footer, explains the status scale and every
derived state from the rules themselves; a public corrections log (page and Atom feed) lists every
entry that corrects another: what, when and why."""

import datetime as dt

import feedparser
import pytest
from django.urls import reverse

from commitments.models import CONTRADICTED_STATUSES, Claim, Status
from tests.factories import add_claim, add_status, karabakh_like

pytestmark = pytest.mark.django_db


def test_every_page_links_the_methodology_and_the_corrections_in_its_footer(client):
    data = karabakh_like()
    pages = ["/", "/commitments/", data.kalbajar.get_absolute_url(), data.agreement.get_absolute_url(), "/sources/"]
    for url in [*pages, reverse("dashboard:methodology"), reverse("dashboard:corrections")]:
        footer = client.get(url).content.decode().split('<footer class="site-footer">')[1]
        assert f'href="{reverse("dashboard:methodology")}"' in footer, url
        assert f'href="{reverse("dashboard:corrections")}"' in footer, url


def test_the_methodology_explains_the_scale_and_every_derived_state(client, settings):
    settings.DUE_SOON_DAYS = 21
    response = client.get(reverse("dashboard:methodology"))
    html = response.content.decode()

    assert response.status_code == 200
    for _value, label in Status.choices:
        assert str(label) in html
    for heading in ("Overdue", "Due soon", "Disputed", "Contested", "one source", "party sources only"):
        assert heading in html
    assert "within the next 21 days" in html  # from the one setting
    # The contradiction table is the domain's, not a copy.
    positions = dict(Claim.Position.choices)
    assert [row[0] for row in response.context["contradictions"]] == [positions[p] for p in CONTRADICTED_STATUSES]


@pytest.fixture
def corrected():
    data = karabakh_like()
    wrong = data.prisoners.status_updates.get()
    add_status(
        data.prisoners,
        Status.NOT_STARTED,
        dt.date(2020, 12, 7),
        data.azatutyun,
        summary="Not begun, the reporter wrote.",
        corrects=wrong,
        correction_reason="The sentence is the reporter's narration, not the minister's words.",
    )
    add_claim(
        data.prisoners,
        data.armenia,
        data.ayvazian.speaker,
        dt.date(2020, 12, 7),
        Claim.Position.NOT_STARTED,
        data.azatutyun,
        "The exchange of prisoners has not yet begun",
        corrects=data.ayvazian,
        correction_reason="Recorded again to say it is a report of his words.",
        speech_kind="reported",
    )
    return data


def test_the_corrections_log_says_what_when_and_why(client, corrected):
    response = client.get(reverse("dashboard:corrections"))
    html = response.content.decode()

    assert [c.kind for c in response.context["entries"]] == ["claim", "assessment"]  # newest first
    assert "the assessment of Dec. 7, 2020, recorded as “Minimal implementation”, now reads “Not started”" in html
    assert "The sentence is the reporter&#x27;s narration, not the minister&#x27;s words." in html
    assert "Recorded again to say it is a report of his words." in html
    assert "Corrected on" in html


def test_the_corrections_feed_lists_the_same_entries(client, corrected):
    response = client.get(reverse("opendata:corrections_feed"))
    feed = feedparser.parse(response.content)

    assert response.status_code == 200 and not feed.bozo
    assert len(feed.entries) == 2
    assert feed.entries[1].title == "Exchange of prisoners and bodies: correction of the assessment of Dec. 7, 2020"
    assert "reporter&#x27;s narration" in feed.entries[1].summary or "reporter's narration" in feed.entries[1].summary


def test_an_empty_corrections_log_says_so(client, db):
    assert "No entry has been corrected yet." in client.get(reverse("dashboard:corrections")).content.decode()
