"""Celery tasks: thin wrappers that read the clock and call the flagging and sending functions.

Both tasks are idempotent, which is what makes the settings safe: acks_late (a task
lost with its worker is delivered again), retries with backoff on database errors (a
locked SQLite file or a PostgreSQL failover passes), and beat's `expires` (a backlog
queued while no worker listened is dropped; the next run does the same work).
`now` is only for tests and replays; in production the task reads the clock.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from . import flagging, jobs, sending

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


@shared_task(**RETRY)
def flag_deadline_events(now: str | None = None) -> int:
    """Record deadline events and queue their alerts; start the sender if there is mail."""
    started_at = timezone.now()
    result = flagging.flag_deadline_events(_now(now))
    jobs.record_job_run(
        "flag_deadline_events", started_at, timezone.now(), flagged=result.events, queued=result.deliveries
    )
    if result.deliveries:
        send_alerts.delay_on_commit(now=now)
    return result.events


@shared_task(**RETRY)
def send_alerts(now: str | None = None) -> int:
    """Send one batch of due alerts; queue another run while a full batch came back."""
    started_at = timezone.now()
    result = sending.send_pending_alerts(_now(now))
    jobs.record_job_run("send_alerts", started_at, timezone.now(), sent=result.sent, failed=result.failed)
    if result.claimed >= settings.ALERTS_BATCH_SIZE:
        send_alerts.delay_on_commit(now=now)
    return result.sent
