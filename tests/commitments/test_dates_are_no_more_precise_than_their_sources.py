"""An assessment or a claim dated from a source that gives only the month is dated to the month:
by default, taken from its sources; a finer date is refused. One display helper prints it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commitments.models import DatePrecision, Evidence, StatusUpdate, format_date, iso_date
from tests.factories import add_claim, add_status, make_commitment, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def panarmenian():
    return make_source("PanARMENIAN Network", "Lavrov", dt.date(2023, 9, 1), published_on_precision="month")


def test_an_assessment_from_a_month_only_source_is_dated_to_the_month(panarmenian):
    update = add_status(make_commitment(deadline=None), "fulfilled", dt.date(2023, 9, 1), panarmenian)

    assert update.as_of_precision == DatePrecision.MONTH
    assert update.display_as_of() == "September 2023"
    assert str(update) == "Fulfilled as of 2023-09"


def test_a_day_precise_source_beside_it_dates_the_assessment_to_the_day(panarmenian, source):
    update = add_status(
        make_commitment(deadline=None),
        "fulfilled",
        dt.date(2023, 9, 20),
        evidence=[Evidence(source=panarmenian, quote="Still there."), Evidence(source=source, quote="There.")],
    )

    assert update.as_of_precision == DatePrecision.DAY


def test_a_date_more_precise_than_every_source_is_refused(panarmenian):
    commitment = make_commitment(deadline=None)

    with pytest.raises(ValidationError) as refused:
        StatusUpdate.objects.record(
            commitment=commitment,
            status="fulfilled",
            as_of=dt.date(2023, 9, 1),
            as_of_precision=DatePrecision.DAY,
            summary="",
            evidence=[Evidence(source=panarmenian, quote="Still there.")],
        )

    assert "as_of_precision" in refused.value.message_dict
    assert not StatusUpdate.objects.exists()


def test_a_claim_dated_to_the_day_from_a_month_only_source_is_refused(panarmenian, russia):
    with pytest.raises(ValidationError) as refused:
        add_claim(
            make_commitment(deadline=None),
            russia,
            "Sergei Lavrov, foreign minister",
            dt.date(2023, 9, 1),
            source=panarmenian,
            stated_on_precision=DatePrecision.DAY,
        )

    assert "stated_on_precision" in refused.value.message_dict


def test_the_display_helper_and_its_iso_twin_say_only_what_is_known():
    day = dt.date(2023, 9, 1)
    assert [format_date(day, precision) for precision in DatePrecision.values] == [
        "Sept. 1, 2023",
        "September 2023",
        "2023",
    ]
    assert [iso_date(day, precision) for precision in DatePrecision.values] == ["2023-09-01", "2023-09", "2023"]
