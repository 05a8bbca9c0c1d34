"""An assessment and a claim dated from a month-only source (PanARMENIAN, "September 2023") show
and export the month, never "Sept. 1, 2023": on the pages, in the API (with a precision field),
the CSV, the Atom feed, the calendar and the alert emails."""

import csv
import datetime as dt
import io

import feedparser
import pytest
from icalendar import Calendar

from alerts import emails
from alerts.models import DeadlineEvent
from commitments.models import Claim, Commitment, DatePrecision
from tests.factories import add_claim, add_status, make_commitment, make_provision, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployment(russia, agreement):
    panarmenian = make_source(
        "PanARMENIAN Network", "Lavrov on the peacekeepers", dt.date(2023, 9, 1), published_on_precision="month"
    )
    commitment = make_commitment(
        make_provision(agreement, "3"), parties=[russia], deadline=None, title="Deployment of the peacekeepers"
    )
    add_status(commitment, "fulfilled", dt.date(2023, 9, 1), panarmenian, "Still there.")
    add_claim(
        commitment,
        russia,
        "Sergei Lavrov, Russian foreign minister",
        dt.date(2023, 9, 1),
        Claim.Position.KEPT,
        panarmenian,
        "This is a matter of bilateral relations.",
        stated_on_precision=DatePrecision.MONTH,
    )
    return commitment


def test_the_page_shows_the_month(client, deployment):
    html = client.get(deployment.get_absolute_url()).content.decode()

    assert html.count("September 2023") >= 3  # the assessment, the claim, the source
    assert "Sept. 1, 2023" not in html


def test_the_api_gives_the_precision(client, deployment):
    [update] = client.get("/api/status-updates/", {"commitment": deployment.pk}).json()["results"]
    [claim] = client.get("/api/claims/", {"commitment": deployment.pk}).json()["results"]
    commitment = client.get(f"/api/commitments/{deployment.pk}/").json()

    assert (update["as_of"], update["as_of_precision"]) == ("2023-09-01", "month")
    assert (claim["stated_on"], claim["stated_on_precision"]) == ("2023-09-01", "month")
    assert (commitment["fulfilled_on"], commitment["fulfilled_on_precision"]) == ("2023-09-01", "month")


def test_the_csv_writes_the_month(client, deployment):
    content = client.get("/commitments/export.csv").content.decode("utf-8-sig")
    [row] = [row for row in csv.DictReader(io.StringIO(content)) if row["id"] == str(deployment.pk)]

    assert (row["status_as_of"], row["fulfilled_on"]) == ("2023-09", "2023-09")


def test_the_feed_names_the_month(client, deployment):
    feed = feedparser.parse(client.get(f"/commitments/{deployment.pk}/feed.atom").content)
    update = next(entry for entry in feed.entries if "as of" in entry.title)
    claim = next(entry for entry in feed.entries if "Lavrov" in entry.title)

    assert update.title == "Deployment of the peacekeepers: Fulfilled as of 2023-09"
    assert "September 2023" in update.summary and "Sept. 1" not in update.summary
    assert "September 2023" in claim.summary


def test_the_calendar_says_when_a_mandate_ended_only_to_the_month(client, russia, agreement):
    panarmenian = make_source("PanARMENIAN Network", "Withdrawn", dt.date(2023, 9, 1), published_on_precision="month")
    mandate = make_commitment(
        make_provision(agreement, "4"),
        parties=[russia],
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        term_months=60,
        notice_months=6,
        title="Mandate",
    )
    add_status(mandate, "ended", dt.date(2023, 9, 1), panarmenian, "Gone.")

    calendar = Calendar.from_ical(client.get(f"/agreements/{agreement.slug}/deadlines.ics").content)
    descriptions = [
        str(event["DESCRIPTION"]) for event in calendar.walk("VEVENT") if "Mandate" in str(event["SUMMARY"])
    ]

    assert descriptions and all("ended early (September 2023)" in text for text in descriptions)


def test_the_alert_email_names_the_month(deployment):
    event = DeadlineEvent(
        commitment=deployment,
        kind=DeadlineEvent.Kind.DUE_SOON,
        deadline=dt.date(2023, 10, 1),
        deadline_ends_at=dt.datetime(2023, 9, 30, 21, tzinfo=dt.UTC),
        occurred_at=dt.datetime(2023, 9, 25, tzinfo=dt.UTC),
        detected_at=dt.datetime(2023, 9, 25, tzinfo=dt.UTC),
        offset_days=7,
    )

    context = emails.alert_context(event)

    assert context["latest_as_of"] == "September 2023"
