"""`?as_of=YYYY-MM-DD` on the dashboard, an agreement's page and a commitment's page shows what the
tracker had published by the end of that day: the status of the entries recorded by then, the
deadline in force then, and what was overdue; with a banner and a link to the present. A bad day
gets a clear message."""

import datetime as dt

import pytest
import time_machine

from commitments.models import Commitment
from tests.factories import add_deadline_change, add_status, make_commitment, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_over_time():
    """A handover due 25 Nov 2020, recorded as not started on 21 Nov, extended on 24 Nov to 5 Dec,
    and recorded fulfilled on 10 Dec 2020."""
    with time_machine.travel(dt.datetime(2020, 11, 21, 12, 0, tzinfo=dt.UTC), tick=False):
        commitment = make_commitment(deadline=dt.date(2020, 11, 25))
        add_status(commitment, "not_started", dt.date(2020, 11, 21), make_source(published_on=dt.date(2020, 11, 21)))
    with time_machine.travel(dt.datetime(2020, 11, 24, 12, 0, tzinfo=dt.UTC), tick=False):
        add_deadline_change(
            commitment,
            dt.date(2020, 12, 5),
            decided_on=dt.date(2020, 11, 24),
            source=make_source(published_on=dt.date(2020, 11, 24)),
        )
    with time_machine.travel(dt.datetime(2020, 12, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        add_status(commitment, "fulfilled", dt.date(2020, 12, 10), make_source(published_on=dt.date(2020, 12, 10)))
    return commitment


def known(commitment: Commitment, day: dt.date):
    moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
    return Commitment.objects.filter(pk=commitment.pk).as_known_on(moment).get().known_state(day)


def test_between_two_assessments_the_first_one_stands_with_the_deadline_in_force_then(recorded_over_time):
    assert known(recorded_over_time, dt.date(2020, 11, 22)).status == "not_started"
    assert known(recorded_over_time, dt.date(2020, 11, 22)).deadline_in_force == dt.date(2020, 11, 25)
    on_the_7th = known(recorded_over_time, dt.date(2020, 12, 7))
    assert (on_the_7th.status, on_the_7th.deadline_in_force) == ("not_started", dt.date(2020, 12, 5))
    assert on_the_7th.is_overdue and on_the_7th.days_overdue == 2
    assert known(recorded_over_time, dt.date(2020, 12, 11)).status == "fulfilled"
    assert not known(recorded_over_time, dt.date(2020, 12, 11)).is_overdue


def test_the_commitment_page_shows_that_day_with_a_banner_and_a_link_to_the_present(recorded_over_time, client):
    url = recorded_over_time.get_absolute_url()
    response = client.get(url + "?as_of=2020-12-07")
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["known_state"].status == "not_started"
    assert 'data-testid="as-of-banner"' in html and f'<a href="{url}">See the present</a>' in html
    assert "Overdue by 2 days" in html and "deadline in force then: Dec. 5, 2020" in html
    # The assessment recorded later is not shown then.
    assert [u.status for u in response.context["status_updates"]] == ["not_started"]


def test_the_agreement_page_and_the_dashboard_show_that_day(recorded_over_time, client):
    agreement_page = client.get(recorded_over_time.agreement.get_absolute_url() + "?as_of=2020-12-07")
    [(_provision, [(_commitment, _overdue, state)], _links)] = agreement_page.context["provisions"]
    home = client.get("/?as_of=2020-12-07")

    assert state.status == "not_started" and state.is_overdue
    assert home.context["overdue_total"] == 1
    assert [c for c, _state in home.context["past_overdue"]] == [recorded_over_time]
    assert client.get("/?as_of=2020-12-11").context["overdue_total"] == 0


def test_before_the_tracker_recorded_a_commitment_it_is_not_shown(recorded_over_time, client):
    response = client.get(recorded_over_time.get_absolute_url() + "?as_of=2020-11-20")

    assert response.context["not_yet_recorded"]
    assert client.get("/?as_of=2020-11-20").context["agreements"] == []


@pytest.mark.parametrize("value", ["2020-13-01", "yesterday", "2999-01-01", ""])
def test_a_bad_day_gets_a_clear_message_and_the_present(recorded_over_time, client, value):
    response = client.get(recorded_over_time.get_absolute_url() + f"?as_of={value}")

    assert response.status_code == 200
    assert not response.context["as_of"]
    assert 'data-testid="as-of-error"' in response.content.decode()
    assert response.context["commitment"].current_status == "fulfilled"
