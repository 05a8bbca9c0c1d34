"""A renewable mandate shows each term's end and notice deadline as dates, from the first term,
and stops renewing at the assessment that ended it: ended on 12 Jun 2024, the peacekeepers'
mandate has no current term, and its history holds the first term to 10 Nov 2025 and the notice
deadline of 10 May 2025 that was never reached. Pages, API, CSV and alerts use the one rule."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from alerts import flagging
from alerts.models import DeadlineEvent
from commitments.models import Commitment, Status, Term
from tests.factories import add_status, make_commitment, make_provision, make_source

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 1)


@pytest.fixture
def mandate(agreement, russia):
    return make_commitment(
        make_provision(agreement, "4"),
        parties=[russia],
        title="The peacekeepers' five-year mandate",
        category=Commitment.Category.PEACEKEEPING_MANDATE,
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        term_months=60,
        notice_months=6,
    )


@pytest.fixture
def ended(mandate):
    source = make_source("Ministry of Defence of Azerbaijan", "[Withdrawal completed]", dt.date(2024, 6, 12))
    add_status(mandate, Status.ENDED, dt.date(2024, 6, 12), source, "The withdrawal was completed.")
    mandate.refresh_from_db()
    return mandate


def test_a_running_mandate_renews_term_after_term(mandate):
    assert mandate.terms(TODAY) == [
        Term(1, dt.date(2020, 11, 10), dt.date(2025, 11, 10), dt.date(2025, 5, 10)),
        Term(2, dt.date(2025, 11, 10), dt.date(2030, 11, 10), dt.date(2030, 5, 10)),
    ]
    assert (mandate.term_expiry(TODAY), mandate.notice_deadline(TODAY)) == (dt.date(2030, 11, 10), dt.date(2030, 5, 10))


def test_an_ended_mandate_has_no_current_term_and_its_last_term_shows_what_it_never_reached(ended):
    [first] = ended.terms(TODAY)

    assert (first.expires_on, first.notice_by, first.ended_on) == (
        dt.date(2025, 11, 10),
        dt.date(2025, 5, 10),
        dt.date(2024, 6, 12),
    )
    assert not first.notice_reached and not first.expiry_reached
    assert ended.current_term(TODAY) is None
    assert (ended.term_expiry(TODAY), ended.notice_deadline(TODAY)) == (None, None)
    # Before it ended, the first term was running.
    assert ended.term_expiry(dt.date(2024, 1, 1)) == dt.date(2025, 11, 10)


@time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_page_the_api_and_the_csv_show_the_first_term_and_no_renewal(client, ended):
    html = client.get(ended.get_absolute_url()).content.decode()
    api = client.get(f"/api/commitments/{ended.pk}/").json()
    content = client.get("/commitments/export.csv").content.decode("utf-8-sig")
    [row] = [row for row in csv.DictReader(io.StringIO(content)) if row["id"] == str(ended.pk)]

    assert "No current term" in html and "Nov. 10, 2025" in html and "May 10, 2025" in html
    assert "never reached" in html
    assert "2030" not in html and "renews automatically unless" not in html
    assert (api["term_expiry"], api["notice_deadline"]) == (None, None)
    assert api["terms"] == [
        {
            "number": 1,
            "starts_on": "2020-11-10",
            "expires_on": "2025-11-10",
            "notice_by": "2025-05-10",
            "ended_on": "2024-06-12",
            "notice_reached": False,
            "expiry_reached": False,
        }
    ]
    assert (row["term_expiry"], row["notice_deadline"]) == ("", "")
    assert row["terms"] == (
        "1: 2020-11-10 to 2025-11-10, notice by 2025-05-10 (ended early 2024-06-12, notice deadline never reached)"
    )


def test_no_notice_reminder_is_sent_for_a_mandate_that_ended(ended):
    notice_ends_at = dt.datetime(2025, 5, 10, 21, 0, tzinfo=dt.UTC)

    flagging.flag_deadline_events(notice_ends_at - dt.timedelta(days=3))

    assert not DeadlineEvent.objects.filter(kind=DeadlineEvent.Kind.NOTICE_DUE_SOON).exists()


def test_a_mandate_assessed_as_kept_still_gets_its_notice_reminder(mandate, source):
    # "Fulfilled" is not "ended": a mandate in force goes on renewing, and its notice deadline matters.
    add_status(mandate, Status.FULFILLED, dt.date(2020, 12, 7), source)
    notice_ends_at = dt.datetime(2025, 5, 10, 21, 0, tzinfo=dt.UTC)

    flagging.flag_deadline_events(notice_ends_at - dt.timedelta(days=3))

    assert list(DeadlineEvent.objects.values_list("kind", "deadline")) == [("notice_due_soon", dt.date(2025, 5, 10))]
