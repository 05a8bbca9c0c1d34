from django.core.management.base import BaseCommand
from django.core.validators import validate_email
from django.utils import timezone

from alerts import subscriptions


class Command(BaseCommand):
    help = "Create a confirmed public subscriber who follows everything (for the dev runner's demo)."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="demo@example.org")

    def handle(self, *args, email, **options):
        validate_email(email)
        subscriber = subscriptions.create_confirmed_subscriber(email, timezone.now())
        self.stdout.write(f"Subscriber {subscriber.email} is confirmed and follows everything.")
