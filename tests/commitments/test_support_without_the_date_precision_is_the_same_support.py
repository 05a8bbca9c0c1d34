"""Lists that do not show how precisely the current assessment is dated (the API) ask for its
support without that date precision, one subquery less: the support is the same."""

import datetime as dt

import pytest

from commitments.models import Commitment, Evidence, Support
from tests.factories import add_status, make_commitment, make_source

pytestmark = pytest.mark.django_db


def test_the_support_is_the_same_and_the_precision_is_left_out():
    commitment = make_commitment(deadline=None)
    add_status(
        commitment,
        "minimal",
        dt.date(2020, 12, 7),
        evidence=[Evidence(source=make_source(publisher), quote="Passage.") for publisher in ("Azatutyun", "AP")],
    )

    full = Commitment.objects.with_support().get(pk=commitment.pk)
    lean = Commitment.objects.with_support(precision=False).get(pk=commitment.pk)

    assert (lean.current_support, lean.current_support_count) == (Support.CORROBORATED, 2)
    assert (full.current_support, full.current_support_count) == (Support.CORROBORATED, 2)
    assert full.current_as_of_precision == "day"
    assert not hasattr(lean, "current_as_of_precision")
