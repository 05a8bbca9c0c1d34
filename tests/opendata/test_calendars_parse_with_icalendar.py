"""The deadline calendars (per agreement, per filtered list) parse with icalendar: each
deadline an all-day event on its date in the agreement's time zone, with a UID that never
changes and a SEQUENCE that goes up when the deadline is changed; renewable mandates bring
their notice deadlines and term ends."""

import datetime as dt

import pytest
import time_machine
from icalendar import Calendar

from commitments.models import Commitment, DeadlineChange, Status
from tests.factories import PUBLISHED, add_status, karabakh_like, make_commitment, make_provision

pytestmark = pytest.mark.django_db


def events(client, url) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    found = {}
    for event in calendar.walk("VEVENT"):
        assert event["DTSTAMP"].dt.tzinfo is not None
        found[str(event["UID"])] = {
            "start": event["DTSTART"].dt,
            "end": event["DTEND"].dt,
            "sequence": int(event.get("SEQUENCE", 0)),
            "summary": str(event["SUMMARY"]),
            "status": str(event.get("STATUS", "")),
        }
    return found


def test_each_dated_deadline_is_an_all_day_event_on_its_date(client):
    data = karabakh_like()

    found = events(client, f"/agreements/{data.agreement.slug}/deadlines.ics")

    aghdam = found[f"{data.aghdam.agreement.slug}/{data.aghdam.code}/deadline@ceasefire-tracker"]
    assert (aghdam["start"], aghdam["end"]) == (dt.date(2020, 11, 20), dt.date(2020, 11, 21))
    assert type(aghdam["start"]) is dt.date  # all day, not a time
    assert aghdam["summary"] == "Deadline: Return of the Aghdam district"
    route = found[f"{data.route.agreement.slug}/{data.route.code}/deadline@ceasefire-tracker"]
    assert route["start"] == dt.date(2023, 11, 10)  # 36 months from entry into force, 10 Nov 2020 in Moscow
    assert not any(
        uid.startswith(f"{data.prisoners.agreement.slug}/{data.prisoners.code}/") for uid in found
    )  # no deadline


def test_a_changed_deadline_keeps_its_uid_and_raises_its_sequence(client):
    data = karabakh_like()
    uid = f"{data.kalbajar.agreement.slug}/{data.kalbajar.code}/deadline@ceasefire-tracker"
    before = events(client, f"/agreements/{data.agreement.slug}/deadlines.ics")[uid]

    DeadlineChange.objects.create(
        commitment=data.kalbajar,
        new_deadline=dt.date(2020, 11, 30),
        decided_on=dt.date(2020, 11, 24),
        reason="Weather.",
        source=data.tass,  # published 1 Dec: a source cannot report a decision made after it
        **PUBLISHED,
    )
    after = events(client, f"/agreements/{data.agreement.slug}/deadlines.ics")[uid]

    assert (before["start"], before["sequence"]) == (dt.date(2020, 11, 25), 1)
    assert (after["start"], after["sequence"]) == (dt.date(2020, 11, 30), 2)


@time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_renewable_mandate_brings_its_notice_deadlines_and_term_ends(client):
    data = karabakh_like()
    point4 = make_provision(data.agreement, "4")
    mandate = make_commitment(
        point4,
        parties=[data.russia],
        title="Peacekeeping mandate",
        category=Commitment.Category.PEACEKEEPING_MANDATE,
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        term_months=60,
        notice_months=6,
    )

    found = events(client, f"/agreements/{data.agreement.slug}/deadlines.ics")

    # Entered into force on 10 Nov 2020: terms end 10 Nov 2025, 10 Nov 2030 (the one running on
    # 1 Jan 2026) and, if renewed again, 10 Nov 2035.
    assert {
        uid: e["start"] for uid, e in found.items() if uid.startswith(f"{mandate.agreement.slug}/{mandate.code}/")
    } == {
        f"{mandate.agreement.slug}/{mandate.code}/term-1-notice@ceasefire-tracker": dt.date(2025, 5, 10),
        f"{mandate.agreement.slug}/{mandate.code}/term-1-expiry@ceasefire-tracker": dt.date(2025, 11, 10),
        f"{mandate.agreement.slug}/{mandate.code}/term-2-notice@ceasefire-tracker": dt.date(2030, 5, 10),
        f"{mandate.agreement.slug}/{mandate.code}/term-2-expiry@ceasefire-tracker": dt.date(2030, 11, 10),
        f"{mandate.agreement.slug}/{mandate.code}/term-3-notice@ceasefire-tracker": dt.date(2035, 5, 10),
        f"{mandate.agreement.slug}/{mandate.code}/term-3-expiry@ceasefire-tracker": dt.date(2035, 11, 10),
    }
    assert found[f"{mandate.agreement.slug}/{mandate.code}/term-2-notice@ceasefire-tracker"]["summary"] == (
        "Last day to give notice: Peacekeeping mandate"
    )


@time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_mandate_that_ended_early_stops_at_its_last_term_and_cancels_what_it_never_reached(client):
    data = karabakh_like()
    mandate = make_commitment(
        make_provision(data.agreement, "4"),
        parties=[data.russia],
        title="Peacekeeping mandate",
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        term_months=12,
        notice_months=6,
    )
    add_status(mandate, Status.ENDED, dt.date(2022, 8, 1), data.tass, "The contingent left.")

    found = events(client, f"/agreements/{data.agreement.slug}/deadlines.ics")

    # Terms end each 10 November; it ended on 1 Aug 2022, in the second term, after that term's
    # notice deadline (10 May 2022) and before its end (10 Nov 2022): no third term.
    prefix = f"{mandate.agreement.slug}/{mandate.code}/"
    mine = {uid: e for uid, e in found.items() if uid.startswith(prefix)}
    assert {uid: (e["start"], e["status"]) for uid, e in mine.items()} == {
        f"{prefix}term-1-notice@ceasefire-tracker": (dt.date(2021, 5, 10), "CONFIRMED"),
        f"{prefix}term-1-expiry@ceasefire-tracker": (dt.date(2021, 11, 10), "CONFIRMED"),
        f"{prefix}term-2-notice@ceasefire-tracker": (dt.date(2022, 5, 10), "CONFIRMED"),
        f"{prefix}term-2-expiry@ceasefire-tracker": (dt.date(2022, 11, 10), "CANCELLED"),
    }
    assert mine[f"{prefix}term-2-expiry@ceasefire-tracker"]["summary"].startswith("Not reached: ")


def test_the_filtered_calendar_has_the_filtered_lists_deadlines(client):
    data = karabakh_like()

    found = events(client, "/commitments/deadlines.ics?overdue=yes")

    assert list(found) == [f"{data.route.agreement.slug}/{data.route.code}/deadline@ceasefire-tracker"]


def test_the_calendar_is_the_same_between_requests(client):
    data = karabakh_like()
    url = f"/agreements/{data.agreement.slug}/deadlines.ics"

    assert client.get(url).content == client.get(url).content
