from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.validators import validate_email
from django.utils import timezone

from alerts import subscriptions

DEMO_WEBHOOK_URL = "http://127.0.0.1:8010/"


class Command(BaseCommand):
    help = (
        "Create a confirmed public subscriber who follows everything, with a webhook endpoint on the demo "
        "receiver that rundev starts (for the dev runner's demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="demo@example.org")
        parser.add_argument("--webhook-url", default=DEMO_WEBHOOK_URL, help="Empty: no endpoint.")
        parser.add_argument(
            "--secret-file",
            default=str(Path(settings.BASE_DIR) / "var" / "webhooks" / "demo-secret"),
            help="Where the endpoint's secret is written for the demo receiver.",
        )

    def handle(self, *args, email, webhook_url, secret_file, **options):
        validate_email(email)
        now = timezone.now()
        subscriber = subscriptions.create_confirmed_subscriber(email, now)
        self.stdout.write(f"Subscriber {subscriber.email} is confirmed and follows everything.")
        if webhook_url:
            endpoint = subscriptions.create_demo_endpoint(subscriber.email, webhook_url, now)
            path = Path(secret_file)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(endpoint.secret + "\n")
            path.chmod(0o600)
            self.stdout.write(f"Webhook endpoint {endpoint.url} follows everything; its secret is in {path}.")
