from django.core.management.base import BaseCommand

from .flag_overdue import aware_datetime, drain_outbox


class Command(BaseCommand):
    help = "Send the alerts waiting in the outbox (due ones, and retries whose time has come), by email and webhook."

    def add_arguments(self, parser):
        parser.add_argument("--now", type=aware_datetime, help="An ISO time with its offset, for replays.")

    def handle(self, *args, now=None, **options):
        self.stdout.write(f"Sent {drain_outbox(now)} alerts.")
