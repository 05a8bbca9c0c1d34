"""The emails the tracker sends: an alert about a deadline event, and a subscription's confirmation link."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

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
    """Return what every email about `event` shows, whoever receives it."""
    commitment = event.commitment
    original = commitment.original_deadline()
    latest = commitment.status_updates.current().prefetch_related("evidence__source").first()
    return {
        "event": event,
        "kind": event.get_kind_display(),
        "subject": alert_subject(event),
        "commitment": commitment,
        "agreement": commitment.agreement,
        "provision": commitment.provision,
        "responsible": list(commitment.responsible_parties.all()),
        "deadline": format_day(event.deadline),
        "original_deadline": format_day(original) if original and original != event.deadline else "",
        "new_deadline": format_day(event.new_deadline) if event.new_deadline else "",
        "latest": latest,
        "latest_sources": [evidence.source for evidence in latest.evidence.all()] if latest else [],
        "latest_as_of": format_day(latest.as_of, latest.as_of_precision) if latest else "",
        "commitment_url": settings.SITE_URL + commitment.get_absolute_url(),
    }


def unsubscribe_url(delivery: AlertDelivery) -> str:
    if delivery.monitor_id:
        token = tokens.unsubscribe_token("monitor", delivery.monitor_id)
    else:
        token = tokens.unsubscribe_token("subscriber", delivery.subscriber_id)
    return settings.SITE_URL + reverse("alerts:unsubscribe", args=[token])


def build_alert_message(delivery: AlertDelivery, context: dict | None = None) -> EmailMultiAlternatives:
    context = {**(context or alert_context(delivery.event)), "unsubscribe_url": unsubscribe_url(delivery)}
    message = EmailMultiAlternatives(
        subject=context["subject"],
        body=render_to_string("alerts/emails/alert.txt", context),
        to=[delivery.to_email],
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the URL.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Tracker-Delivery": str(delivery.pk),
        },
    )
    message.attach_alternative(render_to_string("alerts/emails/alert.html", context), "text/html")
    return message


def build_confirmation_message(
    email: str, choices: dict, *, agreements: list[Agreement], parties: list[Party], categories: list[str]
) -> EmailMultiAlternatives:
    """Return the email that carries a subscription's confirmation link."""
    context = {
        "confirm_url": settings.SITE_URL + reverse("alerts:confirm", args=[tokens.confirmation_token(choices)]),
        "agreements": agreements,
        "parties": parties,
        "categories": [Commitment.Category(category).label for category in categories],
        "valid_days": max(settings.ALERTS_CONFIRM_MAX_AGE // 86400, 1),
    }
    message = EmailMultiAlternatives(
        subject="Confirm your Ceasefire Tracker alerts",
        body=render_to_string("alerts/emails/confirm.txt", context),
        to=[email],
    )
    message.attach_alternative(render_to_string("alerts/emails/confirm.html", context), "text/html")
    return message
