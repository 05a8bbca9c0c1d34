"""When published versions of a text word a deadline differently ("by 30 January" against "before
30 January"), the tracker measures against the version it quotes and says where another version would
give another outcome."""

import datetime as dt

import pytest

from tests.factories import (
    add_deadline_change,
    add_status,
    make_meeting_worded_two_ways,
    make_source,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 6, 1, tzinfo=dt.UTC)


@pytest.fixture
def meeting():
    return make_meeting_worded_two_ways()


def test_held_on_30_january_it_is_on_time_under_the_quoted_text_and_a_day_late_under_the_other(meeting, client):
    add_status(meeting, "fulfilled", dt.date(2021, 1, 30))

    [quoted, other] = meeting.version_outcomes(NOW)
    assert (quoted.is_quoted, quoted.verdict()) == (True, "on time")
    assert (other.is_quoted, other.verdict(), other.days_late) == (False, "1 day late", 1)
    assert meeting.version_outcome_differs(NOW)
    assert not meeting.is_fulfilled_late()  # the tracker measures against the quoted version
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "on time under the quoted text; 1 day late under the Azerbaijani presidency's wording." in page


def test_held_on_29_january_no_version_gives_another_outcome(meeting, client):
    add_status(meeting, "fulfilled", dt.date(2021, 1, 29))

    assert {outcome.verdict() for outcome in meeting.version_outcomes(NOW)} == {"on time"}
    assert not meeting.version_outcome_differs(NOW)
    assert 'data-testid="version-outcome"' not in client.get(meeting.get_absolute_url()).content.decode()


def test_not_held_it_is_overdue_under_both_once_both_days_have_ended(meeting):
    on_the_30th = dt.datetime(2021, 1, 30, 12, 0, tzinfo=dt.UTC)

    assert [o.verdict() for o in meeting.version_outcomes(on_the_30th)] == ["not yet due", "overdue"]
    assert [o.verdict() for o in meeting.version_outcomes(NOW)] == ["overdue", "overdue"]


def test_an_agreed_change_replaces_the_versions_wordings(meeting):
    add_deadline_change(
        meeting,
        dt.date(2021, 2, 15),
        decided_on=dt.date(2021, 1, 20),
        source=make_source(published_on=dt.date(2021, 1, 20)),
    )

    assert meeting.version_outcomes(NOW) == []
