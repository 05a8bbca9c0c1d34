"""Put given-up alert deliveries back in the outbox (and, with --send, send them now)."""

import argparse
import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alerts.models import AlertDelivery
from alerts.requeuing import given_up_deliveries

from .flag_overdue import aware_datetime, drain_outbox

UNITS = {"m": 60, "h": 3600, "d": 86400}


def duration(value: str) -> dt.timedelta:
    match = re.fullmatch(r"([0-9]+)([mhd])", value.strip())
    if not match:
        raise argparse.ArgumentTypeError("give a number and a unit: 30m, 6h or 3d")
    return dt.timedelta(seconds=int(match[1]) * UNITS[match[2]])


class Command(BaseCommand):
    help = (
        "Requeue alert deliveries that gave up (after an outage longer than the retry budget), "
        "narrowed by deadline event, channel and age; --send delivers them at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", type=int, action="append", default=[], help="A deadline event id (repeatable).")
        parser.add_argument("--channel", choices=AlertDelivery.Channel.values, help="Only email or only webhook.")
        parser.add_argument(
            "--since", type=aware_datetime, help="Only those that gave up at or after this time (the outage's start)."
        )
        parser.add_argument(
            "--max-age", type=duration, help="Only alerts queued within this long (30m, 6h, 3d): older news stays."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be requeued; change nothing.")
        parser.add_argument("--send", action="store_true", help="Then send everything due, as send_alerts does.")

    def handle(self, *args, event, channel, since, max_age, dry_run, send, **options):
        now = timezone.now()
        if since and since > now:
            raise CommandError("--since is in the future: nothing can have given up then.")
        deliveries = given_up_deliveries(
            events=event, channel=channel, since=since, queued_after=now - max_age if max_age else None
        )
        if dry_run:
            self.stdout.write(f"Would requeue {deliveries.count()} given-up alerts.")
            return
        requeued = deliveries.requeue(now)
        self.stdout.write(f"Requeued {requeued} given-up alerts.")
        if send:
            self.stdout.write(f"Sent {drain_outbox()} alerts.")
