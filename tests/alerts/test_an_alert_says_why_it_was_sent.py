"""An alert caused by a deadline change says so, with the old and new deadline, who asked, who
agreed and the source; and "Deadline in force" is always the deadline in force."""

import datetime as dt

import pytest

from alerts import emails, flagging
from alerts.models import AlertDelivery, DeadlineEvent
from tests.factories import (
    KALBAJAR_ENDS_AT,
    add_deadline_change,
    make_commitment,
    make_party,
    make_source,
    make_subscriber,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def body_of(kind: str) -> str:
    delivery = AlertDelivery.objects.get(event__kind=kind)
    return emails.build_alert_message(delivery).body


@pytest.fixture
def extended(db):
    """Overdue on 25 Nov, then extended to 10 Dec at Armenia's request, agreed by Azerbaijan."""
    armenia, azerbaijan = make_party(), make_party("azerbaijan", "Republic of Azerbaijan")
    commitment = make_commitment(parties=[armenia])
    make_subscriber()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + DAY)
    source = make_source("JAMnews", "Kalbajar handover postponed", dt.date(2020, 11, 27), url="https://example.org/jam")
    add_deadline_change(
        commitment,
        dt.date(2020, 12, 10),
        decided_on=dt.date(2020, 11, 27),
        source=source,
        requested_by=armenia,
        agreed_by=[azerbaijan],
        reason="Armenia asked for more time.",
        recorded_at=KALBAJAR_ENDS_AT + 2 * DAY,
    )
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + 3 * DAY)
    return commitment


def test_the_deadline_extended_email_shows_the_new_deadline_in_force_and_the_old_one_as_previous(extended):
    body = body_of(DeadlineEvent.Kind.EXTENDED)
    assert "Deadline in force: 10 Dec 2020" in body
    assert "Previous deadline: 25 Nov 2020" in body
    assert "Deadline in force: 25 Nov 2020" not in body


def test_an_alert_caused_by_a_deadline_change_says_who_asked_who_agreed_and_the_source(extended):
    body = body_of(DeadlineEvent.Kind.EXTENDED)
    for expected in [
        "Why you get this: the deadline was changed.",
        "Deadline change: 25 Nov 2020 -> 10 Dec 2020, decided on 27 Nov 2020",
        "Asked by: Republic of Armenia",
        "Agreed by: Republic of Azerbaijan",
        "Reason: Armenia asked for more time.",
        "Source: JAMnews",
        "<https://example.org/jam>",
    ]:
        assert expected in body
    [(html, _)] = emails.build_alert_message(AlertDelivery.objects.get(event__kind="extended")).alternatives
    assert "Republic of Azerbaijan" in html and "Armenia asked for more time." in html


def test_a_deadline_moved_into_the_past_says_it_caused_the_overdue_alert():
    commitment = make_commitment(deadline=dt.date(2021, 6, 1))
    make_subscriber()
    # Decided before the day ended, but recorded by a monitor only afterwards.
    add_deadline_change(
        commitment, dt.date(2020, 11, 25), decided_on=dt.date(2020, 11, 20), recorded_at=KALBAJAR_ENDS_AT + DAY / 2
    )
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + DAY)
    body = body_of(DeadlineEvent.Kind.WENT_OVERDUE)
    assert "Why you get this: the deadline was changed, to a day that had already passed." in body
    assert "Deadline in force: 25 Nov 2020" in body
    assert "Deadline change: 1 Jun 2021 -> 25 Nov 2020" in body


def test_an_overdue_alert_without_a_change_gives_no_reason_block():
    make_commitment()
    make_subscriber()
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + DAY)
    body = body_of(DeadlineEvent.Kind.WENT_OVERDUE)
    assert "Why you get this" not in body and "Deadline change:" not in body


def test_a_change_recorded_well_before_the_deadline_is_context_not_the_reason():
    commitment = make_commitment(deadline=dt.date(2020, 11, 15))
    make_subscriber()
    add_deadline_change(
        commitment,
        dt.date(2020, 11, 25),
        decided_on=dt.date(2020, 11, 15),
        recorded_at=dt.datetime(2020, 11, 15, tzinfo=dt.UTC),
    )
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT + DAY)
    body = body_of(DeadlineEvent.Kind.WENT_OVERDUE)
    assert "Why you get this" not in body
    assert "Deadline change: 15 Nov 2020 -> 25 Nov 2020, decided on 15 Nov 2020" in body
