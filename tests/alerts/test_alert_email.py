"""Each alert says what happened, to what, who is responsible, and how to stop alerts."""

import datetime as dt

import pytest
from django.test import Client

from alerts import emails, flagging, sending
from alerts.models import AlertDelivery, DeadlineEvent
from commitments.models import Source, Status
from tests.factories import (
    KALBAJAR_ENDS_AT,
    add_deadline_change,
    add_status,
    make_commitment,
    make_party,
    make_source,
    make_subscriber,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def overdue_alert(settings, mailoutbox):
    """The Kalbajar handover, extended from 15 to 25 Nov, flagged three days late."""
    settings.SITE_URL = "https://tracker.example"
    commitment = make_commitment(deadline=dt.date(2020, 11, 15), parties=[make_party()])
    add_deadline_change(commitment, dt.date(2020, 11, 25), decided_on=dt.date(2020, 11, 15))
    ministry = make_source(
        "Ministry of Defence",
        "Statement by the Ministry of Defence",
        dt.date(2020, 11, 25),
        kind=Source.Kind.OFFICIAL_STATEMENT,
    )
    add_status(
        commitment, Status.MINIMAL, dt.date(2020, 11, 26), ministry, summary="Troops began leaving the district."
    )
    make_subscriber()
    now = KALBAJAR_ENDS_AT + 2 * DAY + dt.timedelta(hours=1)
    flagging.flag_deadline_events(now, reminder_days=[])
    sending.send_pending_alerts(now)
    [message] = mailoutbox
    return message


def test_the_subject_can_be_scanned(overdue_alert):
    assert overdue_alert.subject == "[Overdue] Return of the Kalbajar district — 3 days past 25 Nov 2020"


def test_the_text_says_what_where_who_when_and_the_latest_assessment(overdue_alert):
    text = overdue_alert.body
    for expected in [
        "Return of the Kalbajar district",
        "Trilateral statement of 10 Nov 2020, point 6",
        "Responsible: Republic of Armenia",
        "Deadline in force: 25 Nov 2020",
        "Original deadline: 15 Nov 2020",
        "Overdue by: 3 days",
        "Minimal implementation as of 26 Nov 2020",
        "Troops began leaving the district.",
        "Source: Ministry of Defence",
        "https://tracker.example/commitments/",
        "https://tracker.example/alerts/unsubscribe/",
    ]:
        assert expected in text


def test_the_html_part_links_to_the_commitments_public_page(overdue_alert):
    [(html, mimetype)] = overdue_alert.alternatives
    commitment_url = "https://tracker.example" + DeadlineEvent.objects.get().commitment.get_absolute_url()
    assert mimetype == "text/html"
    assert commitment_url in html
    assert commitment_url in overdue_alert.body


def test_it_carries_one_click_unsubscribe_headers_that_work(overdue_alert):
    assert overdue_alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = overdue_alert.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in overdue_alert.body
    response = Client(enforce_csrf_checks=True).post(
        url.removeprefix("https://tracker.example"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not AlertDelivery.objects.get().subscriber


@pytest.mark.parametrize(
    "event, subject",
    [
        (
            {"kind": "fulfilled_late", "days_late": 2},
            "[Fulfilled late] Return of the Kalbajar district — 2 days late (deadline 25 Nov 2020)",
        ),
        (
            {"kind": "extended", "new_deadline": dt.date(2020, 12, 1)},
            "[Deadline extended] Return of the Kalbajar district — now due 1 Dec 2020, was 25 Nov 2020",
        ),
        ({"kind": "ended"}, "[Ended] Return of the Kalbajar district — ended while overdue (deadline 25 Nov 2020)"),
        (
            {"kind": "due_soon", "offset_days": 7},
            "[Due in 7 days] Return of the Kalbajar district — deadline 25 Nov 2020",
        ),
        (
            {"kind": "due_soon", "offset_days": 1},
            "[Due in 1 day] Return of the Kalbajar district — deadline 25 Nov 2020",
        ),
    ],
)
def test_every_kind_of_event_has_a_scannable_subject(event, subject):
    commitment = make_commitment()
    assert (
        emails.alert_subject(DeadlineEvent(commitment=commitment, deadline=dt.date(2020, 11, 25), **event)) == subject
    )
