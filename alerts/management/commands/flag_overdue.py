"""Record deadline events (went overdue, fulfilled late, extended, ended, due soon) and
send their alerts: the beat task's work, for those who run cron instead."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts import flagging, jobs, sending


def aware_datetime(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its UTC offset, such as 2020-11-25T21:00:00+00:00")
    return moment


class Command(BaseCommand):
    help = "Flag overdue and due-soon commitments as events, queue their alerts and send them."

    def add_arguments(self, parser):
        parser.add_argument("--now", type=aware_datetime, help="An ISO time with its offset, for replays.")
        parser.add_argument(
            "--no-alerts", action="store_true", help="Record events without alerting anyone (first run on old data)."
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Read every commitment and open episode, not only what changed since the last run.",
        )
        parser.add_argument(
            "--no-send", action="store_true", help="Leave the alerts in the outbox for the Celery sender."
        )

    def handle(self, *args, now=None, no_alerts=False, no_send=False, full=False, **options):
        started_at = timezone.now()
        flagged = flagging.flag_deadline_events(now or started_at, notify=not no_alerts, full=full)
        jobs.record_job_run(
            "flag_deadline_events", started_at, timezone.now(), flagged=flagged.events, queued=flagged.deliveries
        )
        read = "every commitment (a full sweep)" if flagged.full_sweep else "what changed since the last run"
        self.stdout.write(
            f"Read {read}. Recorded {flagged.events} deadline events, queued {flagged.deliveries} alerts."
        )
        if not no_send:
            # A replay (--now) sends as of that time; otherwise each batch reads the clock.
            sent = drain_outbox(now)
            self.stdout.write(f"Sent {sent} alerts.")


def drain_outbox(now: dt.datetime | None = None) -> int:
    """Send batches while rows are due; return how many were sent.

    Each batch is claimed at the time it starts (the clock is read per batch; `now` only for
    replays): a drain that claimed every batch at its start time would claim rows that already
    look expired to other senders, which then send them again. The drain goes on while it finds
    due rows, even those another sender claimed first, so losing a race is not an empty outbox.
    """
    sent = 0
    while True:
        result = sending.send_pending_alerts(now or timezone.now(), signed_at=timezone.now())
        sent += result.sent
        if not result.found:
            return sent
