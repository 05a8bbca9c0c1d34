"""The emails the tracker sends: an alert about a deadline event, and a subscription's confirmation link."""

from __future__ import annotations

import datetime as dt
import email.message
import functools
from dataclasses import dataclass
from email.header import Header
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from commitments.models import Agreement, Commitment, DatePrecision, Party, format_date

from . import tokens
from .models import AlertDelivery, DeadlineEvent

Kind = DeadlineEvent.Kind


def format_day(day: dt.date, precision: str = DatePrecision.DAY) -> str:
    """Return a date as the tracker prints it in alerts: 25 Nov 2020; a date known only to the
    month or year as the pages print it (September 2023), never more precisely."""
    if precision and precision != DatePrecision.DAY:
        return format_date(day, precision)
    return f"{day.day} {day:%b %Y}"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def alert_subject(event: DeadlineEvent) -> str:
    """Return a subject a person can scan: `[Overdue] Return of the Kalbajar district — 3 days past 25 Nov 2020`."""
    title = event.commitment.title
    deadline = format_day(event.deadline)
    if event.kind == Kind.WENT_OVERDUE:
        return f"[Overdue] {title} — {_days(event.days_overdue or 1)} past {deadline}"
    if event.kind == Kind.FULFILLED_LATE:
        late = f"{_days(event.days_late)} late" if event.was_fulfilled_late() else "after being flagged overdue"
        return f"[Fulfilled late] {title} — {late} (deadline {deadline})"
    if event.kind == Kind.EXTENDED:
        if event.new_deadline:
            return f"[Deadline extended] {title} — now due {format_day(event.new_deadline)}, was {deadline}"
        return f"[Deadline withdrawn] {title} — was due {deadline}"
    if event.kind == Kind.ENDED:
        return f"[Ended] {title} — ended while overdue (deadline {deadline})"
    if event.kind == Kind.NOTICE_DUE_SOON:
        return f"[Notice due in {_days(event.offset_days)}] {title} — notice to end the term due by {deadline}"
    return f"[Due in {_days(event.offset_days)}] {title} — deadline {deadline}"


def alert_context(event: DeadlineEvent) -> dict:
    """Return what every alert about `event` shows, whoever receives it and by whichever channel."""
    commitment = event.commitment
    original = commitment.original_deadline()
    latest = commitment.status_updates.current().prefetch_related("evidence__source").first()
    change = event.deadline_change()
    # The deadline in force as of the event: for "deadline changed" the new one (None if withdrawn).
    in_force = event.new_deadline if event.kind == Kind.EXTENDED else event.deadline
    return {
        "event": event,
        "kind": event.get_kind_display(),
        "subject": alert_subject(event),
        "commitment": commitment,
        "agreement": commitment.agreement,
        "provision": commitment.provision,
        "responsible": list(commitment.responsible_parties.all()),
        "deadline": format_day(event.deadline),
        "deadline_in_force": in_force,
        "deadline_in_force_text": format_day(in_force) if in_force else "",
        "previous_deadline": format_day(event.deadline) if event.kind == Kind.EXTENDED else "",
        "original_deadline": (format_day(original) if original and original not in (in_force, event.deadline) else ""),
        "new_deadline": format_day(event.new_deadline) if event.new_deadline else "",
        "deadline_change": change,
        "caused_by_change": event.was_caused_by_deadline_change(change),
        "change_previous": format_day(change.previous_deadline) if change else "",
        "change_new": format_day(change.new_deadline) if change else "",
        "change_decided_on": format_day(change.decided_on) if change else "",
        "change_agreed_by": list(change.agreed_by.all()) if change else [],
        "latest": latest,
        "latest_sources": [evidence.source for evidence in latest.evidence.all()] if latest else [],
        "latest_as_of": format_day(latest.as_of, latest.as_of_precision) if latest else "",
        "commitment_url": settings.SITE_URL + commitment.get_absolute_url(),
    }


def unsubscribe_url(delivery: AlertDelivery) -> str:
    if delivery.channel == AlertDelivery.Channel.WEBHOOK:
        token = tokens.unsubscribe_token("endpoint", delivery.endpoint_id)
    elif delivery.monitor_id:
        token = tokens.unsubscribe_token("monitor", delivery.monitor_id)
    else:
        token = tokens.unsubscribe_token("subscriber", delivery.subscriber_id)
    return settings.SITE_URL + reverse("alerts:unsubscribe", args=[token])


def mail_domain() -> str:
    """Return the domain of the tracker's sender address (for Message-IDs), else the site's host."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or urlsplit(settings.SITE_URL).hostname or "localhost"


class OneLineHeader:
    """A header value written as it is, on the header's own line: an ASCII URL in angle brackets
    has no place to fold, and Python would otherwise start it on an empty first line (RFC 5322
    allows lines up to 998 characters)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


@functools.lru_cache(maxsize=256)
def _encoded_subject(subject: str, linesep: str, maxlinelen: int | None) -> str:
    return Header(subject, "utf-8", header_name="Subject").encode(linesep=linesep, maxlinelen=maxlinelen)


class SubjectHeader(OneLineHeader):
    """A Subject header encoded knowing its name. Every alert about an event has the same subject,
    and encoding one that is not ASCII is costly (a fan-out of 10,000 emails spent a fifth of its
    time on it), so each is encoded once per process."""

    def encode(self, linesep: str = "\n", maxlinelen: int | None = None) -> str:
        return _encoded_subject(self.value, linesep, maxlinelen)


class AlertEmail(EmailMultiAlternatives):
    """An email whose Subject and List-Unsubscribe never fold onto an empty first line.

    Django encodes a non-ASCII subject without knowing the header's name, and Python's
    email package then moves the whole encoded value to a second line ("Subject: " followed by
    a line break), which some parsers read with a leading space. Here the Subject is encoded
    knowing its name, so its first encoded word sits on the first line, and List-Unsubscribe
    is written on one line.
    """

    one_line_headers = ("List-Unsubscribe",)

    def message(self):
        subject, self.subject = self.subject, ""  # Django would encode it too, only to be replaced
        try:
            message = super().message()
        finally:
            self.subject = subject
        del message["Subject"]
        # Bypass Django's __setitem__, which would turn the header back into a plain string.
        email.message.Message.__setitem__(message, "Subject", SubjectHeader(subject))
        for name in self.one_line_headers:
            if name in self.extra_headers:
                del message[name]
                email.message.Message.__setitem__(message, name, OneLineHeader(self.extra_headers[name]))
        return message


# Stands for the recipient's unsubscribe link in bodies rendered once per event (AlertBodies).
UNSUBSCRIBE_PLACEHOLDER = "tracker-unsubscribe-link-3c9e1f7a"


@dataclass
class AlertBodies:
    """The text and HTML bodies of every alert about one event, rendered once: only the
    recipient's unsubscribe link differs between them, and it is put in per message (a fan-out
    to 10,000 addresses renders the templates once, not 10,000 times)."""

    text: str
    html: str

    @classmethod
    def render(cls, context: dict) -> AlertBodies:
        context = {**context, "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}
        return cls(
            render_to_string("alerts/emails/alert.txt", context), render_to_string("alerts/emails/alert.html", context)
        )

    def for_link(self, link: str) -> tuple[str, str]:
        """Return (text, HTML) with `link` as the unsubscribe link, escaped in HTML as the template would."""
        return self.text.replace(UNSUBSCRIBE_PLACEHOLDER, link), self.html.replace(
            UNSUBSCRIBE_PLACEHOLDER, escape(link)
        )


def build_alert_message(
    delivery: AlertDelivery, context: dict | None = None, bodies: AlertBodies | None = None
) -> EmailMultiAlternatives:
    """Return the alert email of `delivery`; `context` and `bodies` are its event's, when the caller
    holds them (a batch about one event computes them once)."""
    context = {**(context or alert_context(delivery.event)), "unsubscribe_url": unsubscribe_url(delivery)}
    if bodies is None:
        text = render_to_string("alerts/emails/alert.txt", context)
        html = render_to_string("alerts/emails/alert.html", context)
    else:
        text, html = bodies.for_link(context["unsubscribe_url"])
    message = AlertEmail(
        subject=context["subject"],
        body=text,
        to=[delivery.to_email],
        headers={
            # The same on every attempt, so a receiving system can drop a resent copy.
            "Message-ID": delivery.message_id(mail_domain()),
            # RFC 3834: sent by a program; autoresponders (vacation replies) must not answer.
            "Auto-Submitted": "auto-generated",
            # The same alert goes to everyone who follows the commitment.
            "Precedence": "bulk",
            # RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the URL.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Tracker-Delivery": str(delivery.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def build_endpoint_disabled_message(endpoint, failures: int, last_error: str) -> EmailMultiAlternatives:
    """Return the notice to an endpoint's owner that it was disabled, and what to do about it."""
    context = {
        "endpoint": endpoint,
        "failures": failures,
        "last_error": last_error,
        "subscribe_url": settings.SITE_URL + reverse("alerts:webhook_register"),
        "admin_url": settings.SITE_URL + reverse("admin:alerts_webhookendpoint_change", args=[endpoint.pk]),
    }
    return AlertEmail(
        subject="Your Ceasefire Tracker webhook endpoint was disabled",
        body=render_to_string("alerts/emails/endpoint_disabled.txt", context),
        to=[endpoint.owner_address()],
        headers={"Auto-Submitted": "auto-generated"},
    )


def build_confirmation_message(
    email: str, choices: dict, *, agreements: list[Agreement], parties: list[Party], categories: list[str]
) -> EmailMultiAlternatives:
    """Return the email that carries a subscription's confirmation link."""
    view = "alerts:webhook_confirm" if choices.get("webhook_url") else "alerts:confirm"
    context = {
        "confirm_url": settings.SITE_URL + reverse(view, args=[tokens.confirmation_token(choices)]),
        "webhook_url": choices.get("webhook_url", ""),
        "agreements": agreements,
        "parties": parties,
        "categories": [Commitment.Category(category).label for category in categories],
        "valid_days": max(settings.ALERTS_CONFIRM_MAX_AGE // 86400, 1),
    }
    message = AlertEmail(
        subject=f"Confirm your Ceasefire Tracker {'webhook' if context['webhook_url'] else 'alerts'}",
        body=render_to_string("alerts/emails/confirm.txt", context),
        to=[email],
        # Sent by a program in answer to a request (RFC 3834); personal, so not bulk.
        headers={"Auto-Submitted": "auto-replied"},
    )
    message.attach_alternative(render_to_string("alerts/emails/confirm.html", context), "text/html")
    return message
