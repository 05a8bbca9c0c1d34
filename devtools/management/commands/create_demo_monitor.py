from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from commitments.models import Agreement

# Two monitors, so that the review before publication can be tried: one records, the other
# (never the author) publishes. The first keeps the login the demo always had.
DEMO_MONITORS = [
    ("monitor", "ceasefire-demo", "monitor@example.org"),
    ("reviewer", "ceasefire-review", "reviewer@example.org"),
]
DEMO_USERNAME, DEMO_PASSWORD, _ = DEMO_MONITORS[0]


class Command(BaseCommand):
    help = "Create (or reset) the two demo monitor accounts for local use, and print their logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="allow it with DEBUG off (never on a public server)")

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to create a demo account with a known password while DEBUG is off.")
        monitors = Group.objects.get(name="Monitors")
        for username, password, email in DEMO_MONITORS:
            user, _created = get_user_model().objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = False
            user.email = email
            user.set_password(password)
            user.save()
            user.groups.add(monitors)
            # The demo monitors are assigned to every agreement loaded so far.
            user.monitored_agreements.add(*Agreement.objects.all())
            self.stdout.write(self.style.SUCCESS(f"Demo monitor: username {username!r}, password {password!r}"))
        self.stdout.write(
            "Record an entry as one of them and publish it as the other: a second monitor reviews every entry."
        )
