from django.core.management import call_command

from alerts.models import Subscriber, WebhookEndpoint


def test_create_demo_subscriber_makes_a_confirmed_subscriber_who_follows_everything(db, tmp_path):
    secret_file = tmp_path / "demo-secret"
    call_command("create_demo_subscriber", "Demo@Example.org", secret_file=str(secret_file))
    call_command("create_demo_subscriber", "demo@example.org", secret_file=str(secret_file))  # changes nothing
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "demo@example.org"
    assert subscriber.confirmed_at is not None
    assert subscriber.chose_nothing() and subscriber.follows_everything


def test_the_demo_subscriber_has_an_endpoint_on_the_demo_receiver_whose_secret_the_receiver_reads(db, tmp_path):
    secret_file = tmp_path / "demo-secret"
    call_command("create_demo_subscriber", secret_file=str(secret_file))
    call_command("create_demo_subscriber", secret_file=str(secret_file))
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.owner_email, endpoint.is_active) == (
        "http://127.0.0.1:8010/",
        "demo@example.org",
        True,
    )
    assert secret_file.read_text().strip() == endpoint.secret
    assert endpoint.secret.startswith("whsec_")
