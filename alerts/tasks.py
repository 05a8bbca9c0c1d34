"""Celery tasks: thin wrappers that read the clock and call the flagging and sending functions.

Both tasks are idempotent, which is what makes the settings safe: acks_late (a task
lost with its worker is delivered again), retries with backoff on database errors (a
locked SQLite file or a PostgreSQL failover passes), and beat's `expires` (a backlog
queued while no worker listened is dropped; the next run does the same work).
`now` is only for tests and replays; in production the task reads the clock.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import flagging, jobs, sending

logger = logging.getLogger(__name__)

RETRY = {
    # The database may be briefly locked or failing over; the work is safe to repeat.
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


def _now(now: str | None) -> dt.datetime:
    return dt.datetime.fromisoformat(now) if now else timezone.now()


def _queue_send_alerts(now: str | None, why: str) -> None:
    """Queue a sender run. If Redis is down, say so and go on: the work done so far is recorded,
    the rows wait in the outbox, and beat's next send_alerts run picks them up."""
    try:
        send_alerts.delay_on_commit(now=now)
    except BrokerError as error:
        logger.warning("Could not queue send_alerts (%s): %s. Beat's next run sends what waits.", why, error)


@shared_task(**RETRY)
def flag_deadline_events(now: str | None = None) -> int:
    """Record deadline events and queue their alerts; start the sender if there is mail."""
    started_at = timezone.now()
    result = flagging.flag_deadline_events(_now(now))
    jobs.record_job_run(
        "flag_deadline_events", started_at, timezone.now(), flagged=result.events, queued=result.deliveries
    )
    if result.deliveries:
        _queue_send_alerts(now, "new alerts were queued")
    return result.events


@shared_task(**RETRY)
def send_alerts(now: str | None = None) -> int:
    """Send the due alerts one run claims (several email batches in parallel); queue another run
    while rows were due. When the claims were full, the next run is queued before sending, so a
    second worker process sends the next batches meanwhile."""
    started_at = timezone.now()
    queued = []

    def queue_next() -> None:
        queued.append(True)
        _queue_send_alerts(now, "more alerts are due")

    result = sending.send_pending_alerts(_now(now), signed_at=started_at, more_due=queue_next)
    jobs.record_job_run(
        "send_alerts", started_at, timezone.now(), sent=result.sent, failed=result.failed, gave_up=result.gave_up
    )
    if result.found and not queued:
        # Rows were due: more may wait, including rows another sender claimed first.
        _queue_send_alerts(now, "more alerts may be due")
    return result.sent
