"""Public subscriptions: ask for a confirmation link (double opt-in), confirm, unsubscribe;
and the same for a webhook endpoint, whose owner confirms by email.

Nothing is stored about an address until its owner confirms; requests are rate limited
per client and per address with keyed hashes, not the values. An unsubscribe is remembered
(as a keyed hash and a time) while confirmation links live, so a link sent before it cannot
undo it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

from commitments.models import Agreement, Commitment, Party

from . import webhooks
from .emails import build_confirmation_message
from .models import AlertDelivery, MonitorSubscription, OptOut, Subscriber, SubscribeRequest, WebhookEndpoint

logger = logging.getLogger(__name__)

RATE_LIMIT_SALT = "commitments.alerts.rate-limit"
OPT_OUT_SALT = "alerts.opt-out"


class UnsubscribedSinceLinkWasSent(Exception):
    """The address (or endpoint) was unsubscribed after this confirmation link was sent."""


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
    webhook_url: str = "",
) -> bool:
    """Send a confirmation link for these choices to `email`, unless the address was asked
    for too often today. Return True if a message went out.

    The same happens whether or not the address is already subscribed: confirming replaces
    its choices. Nothing is stored about the address until its owner confirms. With
    `webhook_url` the link registers that endpoint (owned by `email`) instead.
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
    if webhook_url:
        choices["webhook_url"] = webhook_url
    message = build_confirmation_message(email, choices, agreements=agreements, parties=parties, categories=categories)
    try:
        message.send()
    except Exception:  # the page answers the same; the visitor can ask again
        logger.exception("Could not send a subscription confirmation")
        return False
    return True


def _opt_out_key(email: str, webhook_url: str = "") -> str:
    return salted_hmac(OPT_OUT_SALT, f"{email.strip().lower()} {webhook_url}".strip()).hexdigest()


def _refuse_if_unsubscribed_since(key: str, issued_at: dt.datetime) -> None:
    if OptOut.objects.filter(email_key=key, opted_out_at__gt=issued_at).exists():
        raise UnsubscribedSinceLinkWasSent


def _remember_opt_out(key: str, now: dt.datetime) -> None:
    # Older opt-outs are moot: every link sent before them has expired.
    OptOut.objects.filter(opted_out_at__lt=now - dt.timedelta(seconds=settings.ALERTS_CONFIRM_MAX_AGE)).delete()
    OptOut.objects.create(email_key=key, opted_out_at=now)


@transaction.atomic
def confirm_subscription(choices: dict, issued_at: dt.datetime, now: dt.datetime) -> Subscriber:
    """Create or update the subscriber a valid confirmation link names, with its choices.

    Raise UnsubscribedSinceLinkWasSent if the address unsubscribed after the link was issued:
    an old link never undoes an unsubscribe.
    """
    _refuse_if_unsubscribed_since(_opt_out_key(choices["email"]), issued_at)
    subscriber, _ = Subscriber.objects.get_or_create(email=choices["email"], defaults={"confirmed_at": now})
    subscriber.agreements.set(Agreement.objects.filter(pk__in=choices["agreements"]))
    subscriber.parties.set(Party.objects.filter(pk__in=choices["parties"]))
    subscriber.categories = [c for c in choices["categories"] if c in Commitment.Category.values]
    subscriber.save(update_fields=["categories"])
    return subscriber


@transaction.atomic
def register_webhook(choices: dict, token: str, issued_at: dt.datetime, now: dt.datetime) -> WebhookEndpoint | None:
    """Register the endpoint a valid webhook confirmation link names; return it, or None if this
    link already registered one (its secret was shown then, and is not shown again).

    Raise UnsubscribedSinceLinkWasSent if that endpoint was removed after the link was issued,
    and webhooks.UnsafeWebhookURL if its URL is no longer allowed.
    """
    _refuse_if_unsubscribed_since(_opt_out_key(choices["email"], choices["webhook_url"]), issued_at)
    webhooks.validate_webhook_url(choices["webhook_url"])
    key = hashlib.sha256(token.encode()).hexdigest()
    if WebhookEndpoint.objects.filter(registration_key=key).exists():
        return None
    endpoint = WebhookEndpoint.objects.create(
        url=choices["webhook_url"],
        owner_email=choices["email"],
        secret=webhooks.new_secret(),
        categories=[c for c in choices["categories"] if c in Commitment.Category.values],
        registration_key=key,
        created_at=now,
    )
    endpoint.agreements.set(Agreement.objects.filter(pk__in=choices["agreements"]))
    endpoint.parties.set(Party.objects.filter(pk__in=choices["parties"]))
    return endpoint


@transaction.atomic
def unsubscribe(kind: str, pk: int, now: dt.datetime) -> None:
    """Stop all alerts to the recipient an unsubscribe link names, including those not yet sent,
    and remember when, so that a confirmation link sent earlier cannot subscribe them again."""
    pending = AlertDelivery.objects.filter(status=AlertDelivery.Status.PENDING)
    if kind == "monitor":
        MonitorSubscription.objects.filter(user_id=pk).delete()
        pending.filter(monitor_id=pk, channel=AlertDelivery.Channel.EMAIL).update(status=AlertDelivery.Status.CANCELLED)
    elif kind == "endpoint":
        endpoint = WebhookEndpoint.objects.filter(pk=pk).first()
        if endpoint:
            pending.filter(endpoint_id=pk).update(status=AlertDelivery.Status.CANCELLED)
            if endpoint.owner_email:
                _remember_opt_out(_opt_out_key(endpoint.owner_email, endpoint.url), now)
            endpoint.delete()
    else:
        subscriber = Subscriber.objects.filter(pk=pk).first()
        if subscriber:
            pending.filter(subscriber_id=pk).update(status=AlertDelivery.Status.CANCELLED)
            _remember_opt_out(_opt_out_key(subscriber.email), now)
            subscriber.delete()


def create_confirmed_subscriber(email: str, now: dt.datetime) -> Subscriber:
    """Return a confirmed subscriber following everything (for the dev runner's demo)."""
    subscriber, _ = Subscriber.objects.get_or_create(email=email.strip().lower(), defaults={"confirmed_at": now})
    return subscriber


def create_demo_endpoint(email: str, url: str, now: dt.datetime) -> WebhookEndpoint:
    """Return an active endpoint owned by `email` at `url`, following everything (the dev runner's
    demo). Not checked against the URL rules: the demo receiver is on loopback, and the sender
    checks again before each request (ALERTS_WEBHOOK_ALLOW_LOOPBACK must be on)."""
    endpoint, _ = WebhookEndpoint.objects.get_or_create(
        url=url,
        owner_email=email,
        defaults={"secret": webhooks.new_secret(), "created_at": now, "description": "Demo receiver (rundev)"},
    )
    if not endpoint.is_active:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=True, consecutive_failures=0)
    return endpoint
