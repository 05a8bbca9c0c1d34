"""A party's scorecard on a small hand-made data set: each figure from its QuerySet method, with
the row rules agreeing (on time, days late in the agreement's zone, overdue, extensions requested,
claims disputed and contested, incidents alleged by and against it)."""

import datetime as dt

import pytest

from commitments.models import Claim, Commitment, DeadlineChange, Incident, Party, ReviewState
from tests.factories import (
    add_claim,
    add_deadline_change,
    add_incident,
    add_status,
    loaded_once_per_module,
    make_commitment,
    make_party,
    make_source,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2021, 3, 1, tzinfo=dt.UTC)


def build_armenias_record() -> Party:
    """Armenia is responsible for six commitments of a statement counted in Moscow time:
    - on time: due 20 Nov, fulfilled 20 Nov;
    - late by 3 days: due 15 Nov, fulfilled 18 Nov;
    - late by 10 days after an extension it asked for: due 1 Dec, extended to 5 Dec, fulfilled 15 Dec;
    - overdue: due 1 Feb 2021, minimal;
    - not yet due: due 1 Jan 2022;
    - no deadline.
    Azerbaijan is responsible for one more, late by 40 days, which does not count for Armenia."""
    armenia, azerbaijan = make_party(), make_party("azerbaijan", "Republic of Azerbaijan", "Azerbaijan")
    on_time = make_commitment(title="On time", deadline=dt.date(2020, 11, 20))
    add_status(on_time, "fulfilled", dt.date(2020, 11, 20))
    late = make_commitment(title="Late", deadline=dt.date(2020, 11, 15))
    add_status(late, "fulfilled", dt.date(2020, 11, 18))
    extended = make_commitment(title="Extended then late", deadline=dt.date(2020, 12, 1))
    add_deadline_change(
        extended,
        dt.date(2020, 12, 5),
        decided_on=dt.date(2020, 11, 30),
        source=make_source(published_on=dt.date(2020, 11, 30)),
        requested_by=armenia,
        agreed_by=[azerbaijan],
    )
    add_status(extended, "fulfilled", dt.date(2020, 12, 15))
    overdue = make_commitment(title="Overdue", deadline=dt.date(2021, 2, 1))
    add_status(overdue, "minimal", dt.date(2021, 1, 10))
    make_commitment(title="Not yet due", deadline=dt.date(2022, 1, 1))
    make_commitment(title="No deadline", deadline=None)
    theirs = make_commitment(title="Azerbaijan's", deadline=dt.date(2020, 11, 10), parties=[azerbaijan])
    add_status(theirs, "fulfilled", dt.date(2020, 12, 20))
    # Claims: two of Armenia's contradict Azerbaijan's within the dispute window; one contests
    # the tracker's assessment (says "not started" of what was assessed minimal).
    add_claim(overdue, armenia, "Ara Ayvazian, foreign minister", dt.date(2021, 1, 12), Claim.Position.NOT_STARTED)
    add_claim(overdue, azerbaijan, "Hikmet Hajiyev, aide", dt.date(2021, 1, 14), Claim.Position.KEPT)
    add_claim(on_time, armenia, "Ara Ayvazian, foreign minister", dt.date(2020, 11, 21), Claim.Position.KEPT)
    return armenia


@pytest.fixture(scope="module")
def armenias_record(django_db_setup, django_db_blocker):
    """Armenia's record, built once for the module's tests (each test's writes are rolled back)."""
    yield from loaded_once_per_module(django_db_blocker, build_armenias_record)


@pytest.fixture
def armenia(armenias_record, db) -> Party:
    return Party.objects.get(pk=armenias_record.pk)


def test_on_time_rate_counts_the_dated_commitments_whose_deadline_has_passed(armenia):
    scorecard = armenia.scorecard(NOW)

    assert (scorecard.on_time, scorecard.due) == (1, 4)
    assert scorecard.on_time_rate == 0.25
    passed = Commitment.objects.for_party(armenia).deadline_passed(NOW)
    assert [c.title for c in passed.fulfilled_on_time()] == ["On time"]
    assert all(c.is_fulfilled_on_time() == (c.title == "On time") for c in passed)


def test_mean_and_worst_days_late_are_calendar_days_in_the_agreements_zone(armenia):
    scorecard = armenia.scorecard(NOW)

    assert scorecard.fulfilled_late == 2
    assert (scorecard.mean_days_late, scorecard.worst_days_late) == (6.5, 10)
    assert sorted(c.days_late() for c in Commitment.objects.for_party(armenia).fulfilled_late()) == [3, 10]


def test_overdue_now_and_the_extensions_it_requested(armenia):
    scorecard = armenia.scorecard(NOW)

    assert scorecard.overdue == 1
    assert [c.title for c in Commitment.objects.for_party(armenia).overdue(NOW)] == ["Overdue"]
    assert scorecard.extensions_requested == 1 == DeadlineChange.objects.requested_by_party(armenia).count()


def test_claims_made_and_how_many_are_disputed_or_contested(armenia):
    scorecard = armenia.scorecard(NOW)

    assert (scorecard.claims, scorecard.claims_disputed, scorecard.claims_contested) == (2, 1, 1)
    [disputed] = Claim.objects.by_party(armenia).conflicting()
    assert disputed.position == "not_started"
    [contested] = Claim.objects.by_party(armenia).contesting()
    assert contested == disputed


def test_incidents_alleged_by_it_and_against_it_count_when_published(armenia):
    azerbaijan = Party.objects.get(slug="azerbaijan")
    agreement = Commitment.objects.for_party(armenia).first().agreement
    add_incident(agreement, alleged_by=armenia, alleged_against=azerbaijan, location="Hadrut")
    add_incident(agreement, alleged_by=armenia, alleged_against=azerbaijan, location="Shusha")
    add_incident(agreement, alleged_by=azerbaijan, alleged_against=armenia, location="Lachin")
    add_incident(agreement, alleged_by=azerbaijan, alleged_against=armenia, review_state=ReviewState.DRAFT)

    scorecard = armenia.scorecard(NOW)

    assert (scorecard.incidents_alleged_by, scorecard.incidents_alleged_against) == (2, 1)
    assert Incident.objects.alleged_against_party(armenia).get().location == "Lachin"
    assert azerbaijan.scorecard(NOW).incidents_alleged_against == 2


def test_the_party_page_shows_each_figure_and_links_the_filtered_list(armenia, client, settings):
    page = client.get(armenia.get_absolute_url())
    html = page.content.decode()

    assert page.status_code == 200
    assert page.context["scorecard"] == armenia.scorecard(page.context["now"])
    assert "/commitments/?party=armenia" in html
    assert "mean 6.5, worst 10" in html
    assert "0 alleged by it, 0 alleged against it" in html
