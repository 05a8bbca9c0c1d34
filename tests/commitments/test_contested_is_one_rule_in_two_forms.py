"""A party's claim that contradicts the tracker's current assessment makes the commitment
contested, with the reason; claims that contradict each other make it disputed. Each is one rule
in two forms (a row method and a QuerySet method) that agree, and the list and the API filter by both."""

import datetime as dt

import pytest

from commitments.models import CONTRADICTED_STATUSES, Claim, Commitment, Status
from tests.factories import add_claim, add_status, make_commitment

pytestmark = pytest.mark.django_db

DEC_7 = dt.date(2020, 12, 7)

# (assessments: (status, as of)), (claims: (position, stated on)), contested?
CASES = [
    # Lavrov, 7 Dec 2020, "there is a return of refugees"; the tracker never found a return begun.
    ([(Status.ENDED, dt.date(2023, 9, 30))], [("under_way", DEC_7)], True),
    ([(Status.NOT_STARTED, DEC_7)], [("kept", dt.date(2020, 12, 1))], True),
    # The same claim, once the tracker had found it begun: the later "ended" does not contradict it.
    ([(Status.MINIMAL, dt.date(2020, 12, 1)), (Status.ENDED, dt.date(2023, 9, 30))], [("under_way", DEC_7)], False),
    # Kept in 2020, violated in 2023: the claim was true when made.
    ([(Status.FULFILLED, DEC_7), (Status.VIOLATED, dt.date(2023, 9, 19))], [("kept", DEC_7)], False),
    ([(Status.VIOLATED, dt.date(2023, 9, 19))], [("kept", dt.date(2023, 9, 25))], True),
    ([(Status.INTERMEDIATE, dt.date(2020, 12, 14))], [("not_started", DEC_7)], False),  # before the exchange
    ([(Status.INTERMEDIATE, dt.date(2020, 12, 14))], [("not_started", dt.date(2020, 12, 20))], True),
    ([(Status.FULFILLED, DEC_7)], [("broken", dt.date(2020, 12, 8))], True),
    ([(Status.NOT_STARTED, DEC_7)], [("reinterprets", DEC_7)], False),  # disputes the text: "disputed"
    ([], [("under_way", DEC_7)], False),  # not assessed: nothing to contradict
]


@pytest.mark.parametrize(("assessments", "claims", "contested"), CASES)
def test_the_row_and_the_queryset_agree_on_contested(russia, source, assessments, claims, contested):
    commitment = make_commitment(deadline=None)
    for status, as_of in assessments:
        add_status(commitment, status, as_of, source)
    for position, stated_on in claims:
        add_claim(commitment, russia, "Sergei Lavrov, Russian foreign minister", stated_on, position, source)
    commitment.refresh_from_db()

    assert commitment.has_contesting_claims() is contested
    assert Commitment.objects.computed_contested().filter(pk=commitment.pk).exists() is contested
    # The stored flag, which the pages, the filters and the API read, agrees with both forms.
    assert commitment.is_contested is contested
    assert Commitment.objects.contested().filter(pk=commitment.pk).exists() is contested
    assert set(Claim.objects.contesting().values_list("pk", flat=True)) == {
        claim.pk for claim in commitment.contesting_claims()
    }


def test_the_reason_says_what_the_claim_contradicts(russia, source):
    commitment = make_commitment(deadline=None, title="Return of refugees")
    add_status(commitment, Status.ENDED, dt.date(2023, 9, 30), source)
    add_claim(commitment, russia, "Sergei Lavrov, Russian foreign minister", DEC_7, "under_way", source)
    commitment.refresh_from_db()

    [(claim, reason)] = commitment.contested_by()

    assert reason == (
        "Russia says it is under way, but the tracker has never found it begun: its current assessment is "
        "ended early / superseded (as of Sept. 30, 2023)."
    )


def test_a_corrected_claim_contests_nothing(russia, source):
    commitment = make_commitment(deadline=None)
    add_status(commitment, Status.NOT_STARTED, DEC_7, source)
    wrong = add_claim(commitment, russia, "Sergei Lavrov, Russian foreign minister", DEC_7, "kept", source)
    add_claim(
        commitment, russia, "Sergei Lavrov, Russian foreign minister", DEC_7, "not_started", source, corrects=wrong
    )

    assert not Commitment.objects.computed_contested().exists()
    assert not Commitment.objects.contested().exists()
    assert not commitment.has_contesting_claims()


def test_every_position_of_the_table_is_a_claim_position():
    assert set(CONTRADICTED_STATUSES) <= set(Claim.Position.values)


@pytest.fixture
def both_kinds(russia, armenia, source):
    contested = make_commitment(deadline=None, title="Refugees")
    add_status(contested, Status.ENDED, dt.date(2023, 9, 30), source)
    add_claim(contested, russia, "Sergei Lavrov, Russian foreign minister", DEC_7, "under_way", source)
    disputed = make_commitment(deadline=None, title="Prisoners")
    add_status(disputed, Status.INTERMEDIATE, dt.date(2020, 12, 14), source)
    add_claim(disputed, russia, "Sergei Lavrov, Russian foreign minister", DEC_7, "under_way", source)
    add_claim(disputed, armenia, "Ara Ayvazian, Armenian foreign minister", DEC_7, "not_started", source)
    return contested, disputed


def test_the_list_filters_by_contested_and_by_disputed(client, both_kinds):
    contested, disputed = both_kinds

    def listed(**query):
        return [c.pk for c, _ in client.get("/commitments/", query).context["rows"]]

    assert listed(contested="yes") == [contested.pk]
    assert listed(disputed="yes") == [disputed.pk]
    assert listed(contested="no", disputed="no") == []
    html = client.get(contested.get_absolute_url()).content.decode()
    assert "Contested by a party:" in html and "never found it begun" in html


def test_the_api_filters_by_contested_and_by_disputed(client, both_kinds):
    contested, disputed = both_kinds

    [found] = client.get("/api/commitments/", {"contested": "yes"}).json()["results"]
    claims = client.get("/api/claims/", {"commitment": contested.pk}).json()["results"]

    assert (found["id"], found["is_contested"], found["is_disputed"]) == (contested.pk, True, False)
    assert [c["id"] for c in client.get("/api/commitments/", {"disputed": "yes"}).json()["results"]] == [disputed.pk]
    assert [(c["is_contesting"], c["is_conflicting"]) for c in claims] == [(True, False)]
