from django.core.management import call_command

from alerts.models import Subscriber


def test_create_demo_subscriber_makes_a_confirmed_subscriber_who_follows_everything(db):
    call_command("create_demo_subscriber", "Demo@Example.org")
    call_command("create_demo_subscriber", "demo@example.org")  # running it again changes nothing
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "demo@example.org"
    assert subscriber.confirmed_at is not None
    assert subscriber.follows_everything()
