from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from commitments.models import Agreement

DEMO_USERNAME = "monitor"
DEMO_PASSWORD = "ceasefire-demo"


class Command(BaseCommand):
    help = "Create (or reset) the demo monitor account for local use, and print its login."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="allow it with DEBUG off (never on a public server)")

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to create a demo account with a known password while DEBUG is off.")
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = True
        user.is_superuser = False
        user.email = "monitor@example.org"
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name="Monitors"))
        # The demo monitor is assigned to every agreement loaded so far.
        user.monitored_agreements.add(*Agreement.objects.all())
        self.stdout.write(self.style.SUCCESS(f"Demo monitor: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}"))
