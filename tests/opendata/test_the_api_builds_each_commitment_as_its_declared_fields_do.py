"""The API's commitments are built directly (CommitmentSerializer.row, the related records of a
whole list read at once) rather than field by field: what each one holds, key by key and in
order, is what DRF's declared fields give, for every kind of deadline and related record."""

import datetime as dt

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from commitments.models import AgreementText, Commitment, Party, ReviewState, Status
from opendata.api.serializers import CommitmentSerializer
from opendata.api.views import CommitmentViewSet
from tests.factories import (
    add_deadline_change,
    add_status,
    add_version_deadline,
    karabakh_like,
    make_agreement,
    make_commitment,
    make_event,
    make_party,
    make_provision,
    make_relative_commitment,
    make_source,
)

pytestmark = pytest.mark.django_db

MOMENTS = [
    dt.datetime(2020, 11, 21, 12, 0, tzinfo=dt.UTC),
    dt.datetime(2023, 6, 1, 23, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC),
]


def every_kind_of_commitment() -> None:
    """The statement-like data, with version deadlines, supervising bodies, deadline changes (one
    announced by a mediator and agreed by two parties, one a draft), a renewable mandate that
    ended early, deadlines after an event held and not yet held, one fulfilled late, one with
    no responsible party, and an agreement counting in another time zone."""
    data = karabakh_like()
    texts = AgreementText.objects.filter(agreement=data.agreement).order_by("label")
    for text, wording, day in zip(texts, ["by 19 November", "by 20 November"], [19, 20], strict=True):
        add_version_deadline(data.aghdam, text, wording, dt.date(2020, 11, day))
    # Listed by name, which sorts them otherwise than their slugs.
    unhcr = make_party("unhcr", "Agency for Refugees of the UN", kind=Party.Kind.INTERNATIONAL_BODY)
    osce = make_party("osce", "Minsk Group", kind=Party.Kind.INTERNATIONAL_BODY)
    data.route.supervising_bodies.set([unhcr, osce])
    add_deadline_change(
        data.route,
        dt.date(2024, 3, 1),
        decided_on=dt.date(2023, 11, 1),
        source=make_source("OSCE", "The route plan is due in March", dt.date(2023, 11, 2)),
        agreed_by=[data.russia, data.armenia, data.azerbaijan],
        announced_by=osce,
        quote="The plan is due in March.",
        reviewed_at=dt.datetime(2023, 11, 2, 8, 15, tzinfo=dt.UTC),
    )
    add_deadline_change(
        data.route,
        dt.date(2025, 1, 1),
        decided_on=dt.date(2024, 2, 1),
        source=make_source("OSCE", "A later plan", dt.date(2024, 2, 2)),
        review_state=ReviewState.DRAFT,
    )
    mandate = make_commitment(
        make_provision(data.agreement, "4"),
        parties=[data.russia],
        title="Peacekeeping mandate",
        deadline=None,
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        category=Commitment.Category.PEACEKEEPING_MANDATE,
        term_months=60,
        notice_months=6,
    )
    add_status(mandate, Status.ENDED, dt.date(2024, 4, 17))
    make_relative_commitment(make_event(code="not-held"), months=1)
    make_relative_commitment(make_event(code="held", occurred_on=dt.date(2021, 1, 11)), days=45)
    late = make_commitment(make_provision(data.agreement, "9"), parties=[], deadline=dt.date(2020, 12, 1))
    add_status(late, Status.FULFILLED, dt.date(2020, 12, 20))
    elsewhere = make_agreement("elsewhere-2024", title="Elsewhere", time_zone="Asia/Beirut")
    make_commitment(make_provision(elsewhere, "1"), deadline=dt.date(2024, 12, 31))


@pytest.mark.parametrize("now", MOMENTS)
def test_each_row_holds_what_drfs_fields_give_in_the_same_order(rf, now):
    every_kind_of_commitment()
    context = {"request": Request(rf.get("/api/commitments/")), "now": now}
    # DRF's way reads the relations from the prefetches of for_open_data(); the rows read their
    # own, from the API's queryset.
    reference = CommitmentSerializer(context=context)
    expected = [
        serializers.ModelSerializer.to_representation(reference, commitment)
        for commitment in Commitment.objects.for_open_data().order_by("pk")
    ]
    commitments = list(CommitmentViewSet.queryset.order_by("pk"))

    rows = CommitmentSerializer(commitments, many=True, context=context).data
    one_by_one = [CommitmentSerializer(commitment, context=context).data for commitment in commitments]

    assert [list(row) for row in rows] == [list(CommitmentSerializer.Meta.fields)] * len(commitments)
    assert list(rows) == expected
    assert one_by_one == expected
    assert JSONRenderer().render(rows) == JSONRenderer().render(expected)
    # The data covers what the rows build: every related record, and both results of the rules.
    assert any(row["version_deadlines"] for row in rows)
    assert any(row["supervising_bodies"] for row in rows)
    assert any(len(change["agreed_by"]) > 1 for row in rows for change in row["deadline_changes"])
    assert any(row["terms"] for row in rows)
    assert any(row["deadline_pending"] for row in rows)
    assert any(row["days_late"] for row in rows)
    assert any(row["current_support"] for row in rows)
