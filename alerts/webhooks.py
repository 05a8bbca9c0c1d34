"""Webhooks, the second channel: which URLs are allowed, the JSON payload, and the signed POST.

Signatures follow the Standard Webhooks specification through its reference package
(`standardwebhooks`): headers `webhook-id` (the same on every attempt of one delivery, so a
receiver drops repeats), `webhook-timestamp` and `webhook-signature` (HMAC-SHA256 over
"id.timestamp.body" with the endpoint's secret). The payload is versioned (PAYLOAD_VERSION)
and documented in docs/alerts.md.

An endpoint URL must be https and resolve to public addresses only (no private, loopback,
link-local, multicast or reserved ones): checked when it is registered and again before each
request, and the request goes to the address that was checked, so a DNS answer that changes in
between cannot point it inside our network. ALERTS_WEBHOOK_ALLOW_LOOPBACK also allows http and
https on loopback addresses (tests, `make run`).
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import ipaddress
import json
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from standardwebhooks import Webhook

from .models import AlertDelivery, DeadlineEvent

PAYLOAD_VERSION = 1
USER_AGENT = "CeasefireTracker-Webhooks/1"
# Receivers answer with a status; their body is read up to this much, then ignored.
MAX_RESPONSE_BYTES = 64 * 1024


class UnsafeWebhookURL(ValidationError):
    """An endpoint URL the tracker refuses to call (scheme, credentials, or where it resolves)."""


def new_secret() -> str:
    """Return a new signing secret in the Standard Webhooks form: whsec_ + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK and address.is_loopback:
        return True
    return address.is_global and not address.is_multicast


def resolve_endpoint(url: str) -> tuple[str, int, str]:
    """Return (host, port, address) for a URL the tracker may call: its scheme is allowed and every
    address its host resolves to is public. Raise UnsafeWebhookURL saying what is wrong."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UnsafeWebhookURL("The endpoint URL must start with https://.")
    if parts.username or parts.password:
        raise UnsafeWebhookURL("Leave credentials out of the URL: each request is signed with the endpoint's secret.")
    host = parts.hostname
    if not host:
        raise UnsafeWebhookURL("The endpoint URL has no host name.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise UnsafeWebhookURL("The endpoint URL has an invalid port.") from None
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeWebhookURL(f"The host name {host} does not resolve ({error}).") from None
    addresses = [ipaddress.ip_address(answer[4][0].split("%")[0]) for answer in answers]
    refused = [address for address in addresses if not _allowed(address)]
    if refused or not addresses:
        raise UnsafeWebhookURL(
            f"{host} resolves to {refused[0] if refused else 'nothing'}, a private, loopback, link-local or "
            "reserved address: webhooks go only to public addresses."
        )
    if scheme == "http" and not (settings.ALERTS_WEBHOOK_ALLOW_LOOPBACK and all(a.is_loopback for a in addresses)):
        raise UnsafeWebhookURL("The endpoint URL must start with https:// (plain http is allowed only on loopback).")
    return host, port, str(addresses[0])


def validate_webhook_url(url: str) -> None:
    """A form field validator: raise ValidationError if webhooks may not be sent to `url`."""
    resolve_endpoint(url)


def payload(delivery: AlertDelivery, context: dict) -> dict:
    """Return the JSON document a webhook delivery carries (version PAYLOAD_VERSION, docs/alerts.md)."""
    event: DeadlineEvent = context["event"]
    commitment = context["commitment"]
    change = context["deadline_change"]
    latest = context["latest"]

    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "type": f"deadline.{event.kind}",
        "timestamp": event.detected_at.isoformat(),
        "version": PAYLOAD_VERSION,
        "data": {
            "event": {
                "id": event.pk,
                "kind": event.kind,
                "title": context["subject"],
                "deadline": day(event.deadline),
                "deadline_ends_at": event.deadline_ends_at.isoformat(),
                "deadline_in_force": day(context["deadline_in_force"]),
                "new_deadline": day(event.new_deadline),
                "occurred_at": event.occurred_at.isoformat(),
                "days_overdue": event.days_overdue,
                "days_late": event.days_late,
                "reminder_days_before": event.offset_days or None,
            },
            "commitment": {
                "id": commitment.pk,
                "code": commitment.code,
                "title": commitment.title,
                "agreement": {"slug": context["agreement"].slug, "title": str(context["agreement"])},
                "provision": context["provision"].number,
                "responsible": [party.name for party in context["responsible"]],
                "original_deadline": day(commitment.original_deadline()),
                "url": context["commitment_url"],
            },
            "deadline_change": (
                {
                    "caused_this_alert": context["caused_by_change"],
                    "previous_deadline": day(change.previous_deadline),
                    "new_deadline": day(change.new_deadline),
                    "decided_on": day(change.decided_on),
                    "requested_by": change.requested_by.name if change.requested_by else None,
                    "agreed_by": [party.name for party in change.agreed_by.all()],
                    "reason": change.reason,
                    "source": {
                        "publisher": change.source.publisher,
                        "title": change.source.title,
                        "published_on": day(change.source.published_on),
                        "url": change.source.url or None,
                    },
                }
                if change
                else None
            ),
            "latest_assessment": (
                {"status": latest.status, "as_of": day(latest.as_of), "summary": latest.summary} if latest else None
            ),
            "unsubscribe_url": context["unsubscribe_url"],
        },
    }


def signed_request(delivery: AlertDelivery, body: str, signed_at: dt.datetime) -> dict[str, str]:
    """Return the headers of one attempt: the delivery's stable webhook-id, the time of signing and
    the signature over both and the body."""
    webhook_id = delivery.webhook_id()
    signed_at = signed_at.astimezone(dt.UTC)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(signed_at.timestamp())),
        "webhook-signature": Webhook(delivery.endpoint.secret).sign(webhook_id, signed_at, body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


@dataclass
class WebhookAnswer:
    status: int
    reason: str

    def ok(self) -> bool:
        return 200 <= self.status < 300

    def gone(self) -> bool:
        """Return True for 410 Gone: the receiver asks to stop (Standard Webhooks: disable the endpoint)."""
        return self.status == 410


def post(url: str, body: str, headers: dict[str, str], timeout: float) -> WebhookAnswer:
    """POST `body` to `url` at the address checked just now; follow no redirect. Raise
    UnsafeWebhookURL if the URL is no longer allowed, OSError (including timeouts) if the receiver
    cannot be reached or does not answer within `timeout` seconds."""
    host, port, address = resolve_endpoint(url)
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    connection = connection_class(host, port, timeout=timeout)

    def connect_to_checked_address(_host_port, *args, **kwargs):
        return socket.create_connection((address, port), *args, **kwargs)

    # http.client connects through this hook; TLS still checks the certificate against `host`.
    connection._create_connection = connect_to_checked_address
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return WebhookAnswer(response.status, response.reason)
    finally:
        connection.close()


def encode(document: dict) -> str:
    """Return the body of a webhook: compact JSON, keys in a fixed order, non-ASCII kept."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
