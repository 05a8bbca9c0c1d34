"""What the fault drills share: recipients, endpoints, and counting what arrived."""

from collections import Counter
from urllib.parse import urlsplit

from alerts import webhooks
from alerts.models import AlertDelivery, WebhookEndpoint
from tests.factories import make_subscriber
from tests.live_servers import SMTPServer, WebhookReceiver

Status = AlertDelivery.Status


def subscribers(count: int) -> list[str]:
    return [make_subscriber(f"reader{number}@example.org").email for number in range(count)]


def endpoints(receiver: WebhookReceiver, count: int) -> list[WebhookEndpoint]:
    """Register `count` public endpoints on the receiver, each with its own secret, following everything."""
    made = []
    for number in range(count):
        path = f"/hooks/{number}"
        endpoint = WebhookEndpoint.objects.create(
            url=receiver.url(path), owner_email=f"owner{number}@example.org", secret=webhooks.new_secret()
        )
        receiver.register(path, endpoint.secret)
        made.append(endpoint)
    return made


def emails_received(smtp: SMTPServer) -> Counter:
    """Return how many emails arrived per (recipient, deadline event), read from the messages."""
    with smtp.handler.lock:
        return Counter(
            (message["To"], AlertDelivery.objects.get(pk=message["X-Tracker-Delivery"]).event_id)
            for message in smtp.handler.messages
        )


def emails_expected() -> set:
    return set(AlertDelivery.objects.filter(channel="email").values_list("to_email", "event_id"))


def webhooks_expected() -> set:
    """(endpoint path, webhook-id) of every webhook delivery in the outbox."""
    return {
        (urlsplit(delivery.endpoint.url).path, delivery.webhook_id())
        for delivery in AlertDelivery.objects.filter(channel="webhook").select_related("endpoint")
    }


def all_sent():
    return lambda: not AlertDelivery.objects.exclude(status=Status.SENT).exists()
