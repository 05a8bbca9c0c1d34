"""Public subscriptions: ask for a confirmation link (double opt-in), confirm, unsubscribe.

Nothing is stored about an address until its owner confirms; requests are rate limited
per client and per address with keyed hashes, not the values.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from commitments.models import Agreement, Commitment, Party

from .emails import build_confirmation_message
from .models import AlertDelivery, MonitorSubscription, Subscriber, SubscribeRequest

logger = logging.getLogger(__name__)

RATE_LIMIT_SALT = "commitments.alerts.rate-limit"


def _rate_key(value: str) -> str:
    return salted_hmac(RATE_LIMIT_SALT, value).hexdigest()


def subscribe_is_rate_limited(client: str, now: dt.datetime) -> bool:
    """Return True if this client (IP address) has asked too often in the last hour."""
    recent = SubscribeRequest.objects.filter(client_key=_rate_key(client), requested_at__gt=now - dt.timedelta(hours=1))
    return recent.count() >= settings.ALERTS_SUBSCRIBE_LIMIT_PER_CLIENT


def request_subscription(
    email: str,
    *,
    agreements: list[Agreement],
    parties: list[Party],
    categories: list[str],
    client: str,
    now: dt.datetime,
) -> bool:
    """Send a confirmation link for these choices to `email`, unless the address was asked
    for too often today. Return True if a message went out.

    The same happens whether or not the address is already subscribed: confirming replaces
    its choices. Nothing is stored about the address until its owner confirms.
    """
    email = email.strip().lower()
    SubscribeRequest.objects.filter(requested_at__lte=now - dt.timedelta(days=1)).delete()
    email_key = _rate_key(email)
    asked_today = SubscribeRequest.objects.filter(email_key=email_key).count()
    SubscribeRequest.objects.create(client_key=_rate_key(client), email_key=email_key, requested_at=now)
    if asked_today >= settings.ALERTS_SUBSCRIBE_LIMIT_PER_ADDRESS:
        return False
    choices = {
        "email": email,
        "agreements": [agreement.pk for agreement in agreements],
        "parties": [party.pk for party in parties],
        "categories": list(categories),
    }
    message = build_confirmation_message(email, choices, agreements=agreements, parties=parties, categories=categories)
    try:
        message.send()
    except Exception:  # the page answers the same; the visitor can ask again
        logger.exception("Could not send a subscription confirmation")
        return False
    return True


@transaction.atomic
def confirm_subscription(choices: dict, now: dt.datetime) -> Subscriber:
    """Create or update the subscriber a valid confirmation link names, with its choices."""
    subscriber, _ = Subscriber.objects.get_or_create(email=choices["email"], defaults={"confirmed_at": now})
    subscriber.agreements.set(Agreement.objects.filter(pk__in=choices["agreements"]))
    subscriber.parties.set(Party.objects.filter(pk__in=choices["parties"]))
    subscriber.categories = [c for c in choices["categories"] if c in Commitment.Category.values]
    subscriber.save(update_fields=["categories"])
    return subscriber


@transaction.atomic
def unsubscribe(kind: str, pk: int) -> None:
    """Stop all alerts to the recipient an unsubscribe link names, including those not yet sent."""
    pending = AlertDelivery.objects.filter(status=AlertDelivery.Status.PENDING)
    if kind == "monitor":
        MonitorSubscription.objects.filter(user_id=pk).delete()
        pending.filter(monitor_id=pk).update(status=AlertDelivery.Status.CANCELLED)
    else:
        pending.filter(subscriber_id=pk).update(status=AlertDelivery.Status.CANCELLED)
        Subscriber.objects.filter(pk=pk).delete()


def create_confirmed_subscriber(email: str, now: dt.datetime) -> Subscriber:
    """Return a confirmed subscriber following everything (for the dev runner's demo)."""
    subscriber, _ = Subscriber.objects.get_or_create(email=email.strip().lower(), defaults={"confirmed_at": now})
    return subscriber
