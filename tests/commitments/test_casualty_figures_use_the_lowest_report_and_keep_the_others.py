"""Reported fatalities and injuries: every source's figure is kept as a report (a figure, a range,
or none: unknown); the figure used is the lowest reported (ACLED's conservative rule)."""

import pytest
from django.core.exceptions import ValidationError

from commitments.models import CasualtyReport, Incident
from tests.factories import add_incident, casualties

pytestmark = pytest.mark.django_db

FATALITIES, INJURIES = CasualtyReport.Kind.FATALITIES, CasualtyReport.Kind.INJURIES
CIVILIANS, COMBATANTS, ALL = CasualtyReport.Group.CIVILIANS, CasualtyReport.Group.COMBATANTS, CasualtyReport.Group.ALL


def test_no_figure_is_unknown_not_zero():
    incident = add_incident(casualty_reports=[casualties(FATALITIES, None)])

    figures = incident.casualties()
    assert figures.total(FATALITIES) is None
    assert figures.total(INJURIES) is None
    assert incident.casualty_reports.get().figure() == "unknown"


def test_the_lowest_reported_figure_is_used_and_every_report_is_kept():
    incident = add_incident(
        casualty_reports=[
            casualties(FATALITIES, 12, group=CIVILIANS),
            casualties(FATALITIES, 7, 9, group=CIVILIANS),
            casualties(FATALITIES, None, group=CIVILIANS),
        ]
    )

    figures = incident.casualties()
    assert figures.used(FATALITIES, CIVILIANS) == 7
    assert sorted(report.figure() for report in figures.of(FATALITIES, CIVILIANS)) == ["12", "7–9", "unknown"]


def test_the_total_adds_civilians_and_combatants_and_takes_the_lower_of_that_and_a_reported_total():
    split_only = add_incident(
        casualty_reports=[casualties(FATALITIES, 3, group=CIVILIANS), casualties(FATALITIES, 4, group=COMBATANTS)]
    )
    with_total = add_incident(
        casualty_reports=[
            casualties(FATALITIES, 3, group=CIVILIANS),
            casualties(FATALITIES, 4, group=COMBATANTS),
            casualties(FATALITIES, 5, group=ALL),
        ]
    )

    assert split_only.casualties().total(FATALITIES) == 7
    assert with_total.casualties().total(FATALITIES) == 5


def test_injuries_are_counted_apart_from_fatalities():
    incident = add_incident(casualty_reports=[casualties(INJURIES, 20), casualties(FATALITIES, 1)])

    assert (incident.casualties().total(FATALITIES), incident.casualties().total(INJURIES)) == (1, 20)


@pytest.mark.parametrize(("minimum", "maximum", "field"), [(None, 5, "minimum"), (5, 5, "maximum"), (5, 3, "maximum")])
def test_a_range_needs_its_lowest_figure_below_its_highest(minimum, maximum, field):
    with pytest.raises(ValidationError) as refused:
        add_incident(casualty_reports=[casualties(FATALITIES, minimum, maximum)])

    assert field in refused.value.message_dict
    assert Incident.objects.count() == 0
