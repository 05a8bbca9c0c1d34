"""The flagging job's number of queries does not grow with the number of commitments.

Reads, updates, inserts and the transaction are a fixed set of statements on both engines:
each kind of event is recorded by one INSERT … SELECT, and each channel's alerts by one more.
"""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from alerts import flagging
from alerts.models import DeadlineEvent
from commitments.models import Commitment, Status
from tests.factories import (
    KALBAJAR_ENDS_AT,
    add_deadline_change,
    add_status,
    make_agreement,
    make_commitment,
    make_monitor,
    make_party,
    make_provision,
    make_subscriber,
)

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
# The savepoint and its release; the watermark, read locked and moved on; the last event id and the agreements' time zones; three
# INSERT … SELECT of events (closed, newly overdue, due soon); the renewable terms and their
# reminders (read, nothing to insert here); the opted-in monitors and, for the one here, their
# permissions (twice); the monitors' and the subscribers' INSERT … SELECT of alerts; whether any
# webhook endpoint is active (none); the update of events recorded without alerts (none). On
# PostgreSQL one more turns JIT compilation off for the recipients' statements.
MAX_QUERIES = 19


def build(size: int) -> None:
    """`size` commitments for each state change, three recipients, one renewable term."""
    agreement = make_agreement()
    make_subscriber("everything@example.org")
    make_subscriber("party@example.org", parties=[make_party()])
    make_subscriber("elsewhere@example.org", agreements=[make_agreement("another-agreement")])
    make_monitor(agreement=agreement)
    make_commitment(
        make_provision(agreement, "4"),
        code="renewable",
        deadline_kind=Commitment.DeadlineKind.RENEWABLE,
        term_months=60,
        notice_months=6,
    )
    for number in range(size):
        make_commitment(code=f"overdue-{number}")  # goes overdue
        make_commitment(code=f"soon-{number}", deadline=dt.date(2020, 12, 2))  # due within 7 days
        make_commitment(code=f"fulfilled-{number}", deadline=dt.date(2020, 11, 20))
        make_commitment(code=f"extended-{number}", deadline=dt.date(2020, 11, 20))
    flagging.flag_deadline_events(KALBAJAR_ENDS_AT - 2 * DAY)  # opens the 20 Nov episodes
    for commitment in Commitment.objects.filter(code__startswith="fulfilled-"):
        add_status(commitment, Status.FULFILLED, dt.date(2020, 11, 23))
    for commitment in Commitment.objects.filter(code__startswith="extended-"):
        add_deadline_change(commitment, dt.date(2020, 12, 10), decided_on=dt.date(2020, 11, 23))


@pytest.mark.parametrize("size", [1, 6])
def test_flagging_runs_at_most_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    build(size)
    with django_assert_max_num_queries(MAX_QUERIES):
        result = flagging.flag_deadline_events(KALBAJAR_ENDS_AT)
    kinds = list(DeadlineEvent.objects.filter(detected_at=KALBAJAR_ENDS_AT).values_list("kind", flat=True))
    assert sorted(set(kinds)) == ["due_soon", "extended", "fulfilled_late", "went_overdue"]
    assert result.events == len(kinds) == 4 * size
    assert result.deliveries == 4 * size * 3  # everything@, party@ and the monitor; not elsewhere@


def queries_for(size: int, *, full: bool) -> tuple[int, int]:
    """Return (statements other than INSERT, INSERT statements) of one run over `size` of each."""
    with transaction.atomic():
        build(size)
        with CaptureQueriesContext(connection) as captured:
            assert flagging.flag_deadline_events(KALBAJAR_ENDS_AT, full=full).full_sweep == full
        transaction.set_rollback(True)
    inserts = sum(1 for query in captured.captured_queries if query["sql"].startswith("INSERT"))
    return len(captured) - inserts, inserts


# Three kinds of event and two channels (monitors, subscribers): INSERT … SELECT each; an incremental
# run records new episodes in two (deadlines that ended, commitments a write marked).
@pytest.mark.parametrize("full, inserts", [(True, 5), (False, 6)], ids=["full sweep", "incremental run"])
def test_not_even_the_inserts_grow_with_fifty_times_the_commitments(full, inserts, settings):
    settings.ALERTS_FULL_SWEEP_INTERVAL = 7 * 24 * 3600  # the run after build()'s is incremental unless asked
    small_other, small_inserts = queries_for(1, full=full)
    large_other, large_inserts = queries_for(50, full=full)
    assert large_other == small_other
    assert large_inserts == small_inserts == inserts
