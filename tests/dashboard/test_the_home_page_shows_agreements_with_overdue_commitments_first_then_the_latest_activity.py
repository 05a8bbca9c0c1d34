"""The home page's agreement panels come in the order of what needs attention: the most
overdue commitments first, then the latest assessment or claim (Agreement.objects.by_attention)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from commitments.models import Agreement, Claim, Status
from tests.conftest import utc
from tests.factories import add_claim, add_status, make_agreement, make_commitment, make_party, make_provision

pytestmark = pytest.mark.django_db

NOW = utc(2024, 1, 15, 12, 0)


def agreement_with(slug: str, *, overdue: int = 0, assessed_on: dt.date | None = None, claimed_on=None) -> Agreement:
    """An agreement with `overdue` commitments past their deadline, and one open-ended commitment
    assessed as of `assessed_on` and claimed about on `claimed_on` (each if given)."""
    agreement = make_agreement(slug, title=f"Agreement {slug}")
    provision = make_provision(agreement, "1")
    for _ in range(overdue):
        make_commitment(provision, deadline=dt.date(2021, 3, 1))
    if assessed_on or claimed_on:
        commitment = make_commitment(provision, deadline=None)
        if assessed_on:
            add_status(commitment, Status.MINIMAL, assessed_on)
        if claimed_on:
            add_claim(commitment, make_party(), stated_on=claimed_on, position=Claim.Position.UNDER_WAY)
    return agreement


@time_machine.travel(NOW, tick=False)
def test_agreements_with_the_most_overdue_commitments_come_first_then_the_latest_activity(client):
    silent = agreement_with("silent")
    old = agreement_with("old", assessed_on=dt.date(2021, 1, 1))
    one_overdue_early = agreement_with("one-overdue-early", overdue=1, assessed_on=dt.date(2021, 2, 1))
    claimed = agreement_with("claimed", claimed_on=dt.date(2023, 5, 1))
    two_overdue = agreement_with("two-overdue", overdue=2)
    assessed = agreement_with("assessed", assessed_on=dt.date(2022, 6, 1), claimed_on=dt.date(2021, 6, 1))
    one_overdue_late = agreement_with("one-overdue-late", overdue=1, claimed_on=dt.date(2022, 1, 1))

    response = client.get(reverse("dashboard:home"))

    assert response.context["agreements"] == [
        two_overdue,
        one_overdue_late,
        one_overdue_early,
        claimed,
        assessed,
        old,
        silent,  # no assessment and no claim: last
    ]
    assert [a.overdue_count for a in response.context["agreements"]] == [2, 1, 1, 0, 0, 0, 0]


@time_machine.travel(NOW, tick=False)
def test_the_latest_activity_is_the_latest_standing_assessment_or_uncorrected_claim():
    agreement = agreement_with("both", assessed_on=dt.date(2022, 6, 1), claimed_on=dt.date(2021, 6, 1))
    claim = agreement.provisions.get().commitments.get().claims.get()
    # A correction of the claim, dated later: the corrected claim no longer counts, the correction does.
    add_claim(claim.commitment, claim.party, stated_on=dt.date(2023, 2, 1), corrects=claim, correction_reason="Date.")
    agreement_with("nothing")

    latest = {a.slug: a.latest_activity for a in Agreement.objects.by_attention(NOW)}

    assert latest == {"both": dt.date(2023, 2, 1), "nothing": None}


@time_machine.travel(NOW, tick=False)
def test_the_overdue_count_that_orders_agreements_is_the_commitments_overdue_rule():
    agreement = agreement_with("mixed", overdue=2)
    fulfilled = make_commitment(agreement.provisions.get(), deadline=dt.date(2021, 3, 1))
    add_status(fulfilled, Status.FULFILLED, dt.date(2021, 4, 1))
    make_commitment(agreement.provisions.get(), deadline=dt.date(2024, 3, 1))  # not due yet

    [ordered] = Agreement.objects.by_attention(NOW)

    assert ordered.overdue_count == 2 == sum(c.is_overdue(NOW) for c in agreement.provisions.get().commitments.all())
