from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from devtools.webhook_receiver import serve

from .rundev import split_addrport


class Command(BaseCommand):
    help = "Run the demo webhook receiver: verify each signed delivery and log it to var/webhooks/."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8010")
        parser.add_argument("--folder", default=str(Path(settings.BASE_DIR) / "var" / "webhooks"))
        parser.add_argument(
            "--secret-file",
            help="The endpoint's secret (default: FOLDER/demo-secret, written by create_demo_subscriber).",
        )

    def handle(self, *args, addrport, folder, secret_file, **options):
        host, port = split_addrport(addrport)
        folder = Path(folder)
        try:
            serve(host, port, folder, Path(secret_file) if secret_file else folder / "demo-secret")
        except KeyboardInterrupt:
            pass
