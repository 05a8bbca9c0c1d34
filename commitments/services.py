"""Writes with side effects: flag deadline events, queue alerts, send them, manage subscriptions.

Detection and notification are separate steps, as in healthchecks: flag_deadline_events()
records DeadlineEvent rows and, in the same transaction, one AlertDelivery (outbox) row
per recipient; send_pending_alerts() claims outbox rows and sends them. Both take the
time as a parameter; only tasks, commands and views read the clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac

from .models import (
    CLOSED_STATUSES,
    Agreement,
    AlertDelivery,
    Commitment,
    DeadlineEvent,
    JobRun,
    MonitorSubscription,
    Party,
    Status,
    Subscriber,
    SubscribeRequest,
    end_of_day,
    local_date,
)

logger = logging.getLogger(__name__)

Kind = DeadlineEvent.Kind

CONFIRM_SALT = "commitments.alerts.confirm"
UNSUBSCRIBE_SALT = "commitments.alerts.unsubscribe"
RATE_LIMIT_SALT = "commitments.alerts.rate-limit"


# --- Job runs -------------------------------------------------------------------


def record_job_run(name: str, started_at: dt.datetime, finished_at: dt.datetime, **counts: int) -> None:
    """Log one structured line for a run of a scheduled job and keep it as the job's last run."""
    duration_ms = round((finished_at - started_at).total_seconds() * 1000, 1)
    logger.info(
        "job %s: %s",
        name,
        ", ".join(f"{count} {key}" for key, count in counts.items()),
        extra={"job": name, "duration_ms": duration_ms, **counts},
    )
    JobRun.objects.update_or_create(
        name=name, defaults={"started_at": started_at, "finished_at": finished_at, "counts": counts}
    )


# --- Flagging -------------------------------------------------------------------


@dataclass
class FlagResult:
    events: int
    deliveries: int


def flag_deadline_events(
    now: dt.datetime, *, reminder_days: list[int] | None = None, notify: bool = True
) -> FlagResult:
    """Record every change of deadline state as of `now`, and queue alerts for the new events.

    Set-based: a fixed number of queries whatever the number of commitments. Idempotent:
    the unique constraints on DeadlineEvent make a second run, or a concurrent one, insert
    nothing it has already recorded, and AlertDelivery is unique per event and address.
    With notify=False (a first run over historical data) events are recorded but no one
    is alerted.
    """
    offsets = sorted(set(settings.ALERTS_REMINDER_DAYS if reminder_days is None else reminder_days))
    with transaction.atomic():
        candidates = [
            *_closed_overdue_episodes(now),
            *_new_overdue_episodes(now),
            *_due_soon_reminders(now, offsets),
            *_notice_reminders(now, offsets),
        ]
        DeadlineEvent.objects.bulk_create(candidates, ignore_conflicts=True)
        return _queue_alerts(now, notify)


def _new_overdue_episodes(now: dt.datetime) -> list[DeadlineEvent]:
    already_flagged = DeadlineEvent.objects.filter(
        kind=Kind.WENT_OVERDUE, commitment=OuterRef("pk"), deadline=OuterRef("deadline_in_force")
    )
    return [
        DeadlineEvent(
            commitment=commitment,
            kind=Kind.WENT_OVERDUE,
            deadline=commitment.deadline_in_force,
            deadline_ends_at=commitment.deadline_ends_at,
            occurred_at=commitment.deadline_ends_at,
            detected_at=now,
            days_overdue=commitment.days_overdue(now),
        )
        for commitment in Commitment.objects.overdue(now).exclude(Exists(already_flagged)).order_by()
    ]


def _closed_overdue_episodes(now: dt.datetime) -> list[DeadlineEvent]:
    """Return closing events for open "went overdue" episodes whose commitment is no longer
    overdue against that deadline: fulfilled, ended, or its deadline changed."""
    still_overdue = Commitment.objects.overdue(now).filter(
        pk=OuterRef("commitment_id"), deadline_in_force=OuterRef("deadline")
    )
    open_episodes = (
        DeadlineEvent.objects.filter(kind=Kind.WENT_OVERDUE, closed_by__isnull=True)
        .exclude(Exists(still_overdue))
        .select_related("commitment")
    )
    events = []
    for episode in open_episodes:
        commitment = episode.commitment
        event = DeadlineEvent(
            commitment=commitment,
            closes=episode,
            deadline=episode.deadline,
            deadline_ends_at=episode.deadline_ends_at,
            occurred_at=now,
            detected_at=now,
        )
        if commitment.current_status == Status.FULFILLED:
            event.kind = Kind.FULFILLED_LATE
            event.days_late = commitment.days_late()
            event.occurred_at = commitment.fulfilled_at or now
        elif commitment.current_status == Status.ENDED:
            event.kind = Kind.ENDED
        elif commitment.deadline_in_force != episode.deadline:
            # Extended (or withdrawn: None). If the new deadline has passed too, the
            # next step opens a new episode against it.
            event.kind = Kind.EXTENDED
            event.new_deadline = commitment.deadline_in_force
        else:
            continue  # same deadline, not yet ended (its zone changed): still open
        events.append(event)
    return events


def reminder_offset(ends_at: dt.datetime, now: dt.datetime, offsets: list[int]) -> int | None:
    """Return the nearest reminder offset (in days) whose window `now` is in, if any.

    With offsets [1, 7], a deadline ending in 3 days is in the 7-day window, one ending
    in 20 hours in the 1-day window. The deadline must still be ahead.
    """
    if not now < ends_at:
        return None
    return next((days for days in offsets if ends_at - now <= dt.timedelta(days=days)), None)


def _due_soon_reminders(now: dt.datetime, offsets: list[int]) -> list[DeadlineEvent]:
    if not offsets:
        return []
    due_soon = Commitment.objects.due_soon(now, within=dt.timedelta(days=offsets[-1])).order_by()
    reminded = set(
        DeadlineEvent.objects.filter(kind=Kind.DUE_SOON, commitment__in=due_soon.values("pk")).values_list(
            "commitment_id", "deadline", "offset_days"
        )
    )
    events = []
    for commitment in due_soon:
        offset = reminder_offset(commitment.deadline_ends_at, now, offsets)
        # Once per deadline in force: a nearer reminder already sent makes a farther one moot.
        if offset is None or any(
            (commitment.pk, commitment.deadline_in_force, days) in reminded for days in offsets if days <= offset
        ):
            continue
        events.append(
            DeadlineEvent(
                commitment=commitment,
                kind=Kind.DUE_SOON,
                deadline=commitment.deadline_in_force,
                deadline_ends_at=commitment.deadline_ends_at,
                occurred_at=now,
                detected_at=now,
                offset_days=offset,
            )
        )
    return events


def _notice_reminders(now: dt.datetime, offsets: list[int]) -> list[DeadlineEvent]:
    """Return reminders that the notice deadline of a renewable term (such as the
    peacekeepers' five-year mandate) is near. Its deadline is computed, not stored."""
    if not offsets:
        return []
    renewable = (
        Commitment.objects.filter(deadline_kind=Commitment.DeadlineKind.RENEWABLE)
        .exclude(current_status__in=CLOSED_STATUSES)
        .select_related("provision__agreement")
        .order_by()
    )
    reminded = set(
        DeadlineEvent.objects.filter(
            kind=Kind.NOTICE_DUE_SOON, deadline__gte=(now - dt.timedelta(days=2)).date()
        ).values_list("commitment_id", "deadline", "offset_days")
    )
    events = []
    for commitment in renewable:
        tz = commitment.agreement.tz
        notice = commitment.notice_deadline(local_date(now, tz))
        if notice is None:
            continue
        ends_at = end_of_day(notice, tz)
        offset = reminder_offset(ends_at, now, offsets)
        if offset is None or any((commitment.pk, notice, days) in reminded for days in offsets if days <= offset):
            continue
        events.append(
            DeadlineEvent(
                commitment=commitment,
                kind=Kind.NOTICE_DUE_SOON,
                deadline=notice,
                deadline_ends_at=ends_at,
                occurred_at=now,
                detected_at=now,
                offset_days=offset,
            )
        )
    return events


class FollowerIndex:
    """Who follows each commitment, found by lookup instead of asking every subscriber about
    every event. The same rule as Subscriber.follows (a test proves they agree), read from
    plain rows: building model instances for tens of thousands of subscribers is the slow part."""

    def __init__(self, subscribers: QuerySet[Subscriber]) -> None:
        self.emails: dict[int, str] = dict(subscribers.values_list("pk", "email"))
        # Most follow no category: decode the JSON of those who do only.
        categories = dict(subscribers.exclude(categories=[]).values_list("pk", "categories"))
        self.by_agreement = self._group(
            Subscriber.agreements.through.objects.values_list("subscriber_id", "agreement_id")
        )
        self.by_party = self._group(Subscriber.parties.through.objects.values_list("subscriber_id", "party_id"))
        self.by_category: dict[str, set[int]] = {}
        for pk, followed in categories.items():
            for category in followed or []:
                self.by_category.setdefault(category, set()).add(pk)
        chose_something = set().union(*self.by_agreement.values(), *self.by_party.values(), *self.by_category.values())
        self.everything = set(self.emails) - chose_something

    def _group(self, pairs) -> dict[int, set[int]]:
        groups: dict[int, set[int]] = {}
        for subscriber_id, target_id in pairs:
            if subscriber_id in self.emails:
                groups.setdefault(target_id, set()).add(subscriber_id)
        return groups

    def of(self, commitment: Commitment) -> list[tuple[int, str]]:
        """Return (subscriber id, email) of those who follow `commitment`, by id."""
        found = set(self.everything)
        found |= self.by_agreement.get(commitment.provision.agreement_id, set())
        found |= self.by_category.get(commitment.category, set())
        for party in commitment.responsible_parties.all():
            found |= self.by_party.get(party.pk, set())
        return [(pk, self.emails[pk]) for pk in sorted(found)]


def _queue_alerts(now: dt.datetime, notify: bool) -> FlagResult:
    """Write one outbox row per recipient for each event not yet queued; mark them queued."""
    events = list(
        DeadlineEvent.objects.filter(alerts_queued=False)
        .select_related("commitment__provision")
        .prefetch_related("commitment__responsible_parties")
    )
    if not events:
        return FlagResult(events=0, deliveries=0)
    deliveries = []
    if notify:
        followers = FollowerIndex(Subscriber.objects.all())
        monitors_by_agreement: dict[int, list] = {}
        for opt_in in MonitorSubscription.objects.filter(user__is_active=True, user__is_staff=True).select_related(
            "user"
        ):
            if opt_in.user.email:
                monitors_by_agreement.setdefault(opt_in.agreement_id, []).append(opt_in.user)
        for event in events:
            commitment = event.commitment
            recipients: dict[str, dict] = {}
            for user in monitors_by_agreement.get(commitment.provision.agreement_id, []):
                recipients.setdefault(user.email.lower(), {"monitor": user})
            for subscriber_id, email in followers.of(commitment):
                recipients.setdefault(email.lower(), {"subscriber_id": subscriber_id})
            deliveries += [
                AlertDelivery(event=event, to_email=email, created_at=now, next_attempt_at=now, **recipient)
                for email, recipient in recipients.items()
            ]
    AlertDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    DeadlineEvent.objects.filter(pk__in=[event.pk for event in events], alerts_queued=False).update(alerts_queued=True)
    return FlagResult(events=len(events), deliveries=len(deliveries))


# --- Sending --------------------------------------------------------------------


@dataclass
class SendResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0


def retry_delay(attempts: int) -> dt.timedelta:
    """Return how long to wait before the next attempt after `attempts` failed ones (exponential, capped)."""
    seconds = settings.ALERTS_RETRY_DELAY * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.ALERTS_RETRY_MAX_DELAY))


def send_pending_alerts(
    now: dt.datetime, *, batch_size: int | None = None, connection: BaseEmailBackend | None = None
) -> SendResult:
    """Claim up to `batch_size` due outbox rows and send them over one mail connection.

    A conditional update is the lock: a row another sender claimed in the meantime no
    longer matches, so two senders never send the same row. Each message's result is
    recorded as soon as it is known, so a sender killed mid-batch leaves at most the
    message in flight unrecorded; its claim expires after ALERTS_CLAIM_TIMEOUT and the
    row is sent again.
    """
    batch_size = batch_size or settings.ALERTS_BATCH_SIZE
    claim_timeout = dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT)
    ready = AlertDelivery.objects.ready_to_send(now, claim_timeout)
    pks = list(ready.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:batch_size])
    if not pks:
        return SendResult()
    token = uuid.uuid4().hex
    ready.filter(pk__in=pks).update(
        status=AlertDelivery.Status.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1
    )
    claimed = list(
        AlertDelivery.objects.filter(claim_token=token, status=AlertDelivery.Status.SENDING)
        .select_related("event__commitment__provision__agreement", "subscriber", "monitor")
        .order_by("id")
    )
    result = SendResult(claimed=len(claimed))
    if not claimed:
        return result
    mine = AlertDelivery.objects.filter(claim_token=token, status=AlertDelivery.Status.SENDING)

    to_send = []
    for delivery in claimed:
        if delivery.subscriber_id is None and delivery.monitor_id is None:
            mine.filter(pk=delivery.pk).update(status=AlertDelivery.Status.CANCELLED)
            result.cancelled += 1
        else:
            to_send.append(delivery)
    if not to_send:
        return result

    connection = connection or get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # refused, timed out, TLS or login failed: every message waits
        logger.warning("Could not connect to the mail server: %s", exc)
        for delivery in to_send:
            _record_failure(mine, delivery, exc, now)
        result.failed += len(to_send)
        return result
    contexts: dict[int, dict] = {}
    try:
        for delivery in to_send:
            try:
                if delivery.event_id not in contexts:
                    contexts[delivery.event_id] = alert_context(delivery.event)
                message = build_alert_message(delivery, contexts[delivery.event_id])
                connection.send_messages([message])
            except SoftTimeLimitExceeded:
                raise  # stop the batch; the message in flight is retried when its claim expires
            except Exception as exc:  # recorded on the row; the rest of the batch goes on
                logger.warning("Alert delivery %s to %s failed: %s", delivery.pk, delivery.to_email, exc)
                _record_failure(mine, delivery, exc, now)
                result.failed += 1
            else:
                mine.filter(pk=delivery.pk).update(status=AlertDelivery.Status.SENT, sent_at=now, last_error="")
                result.sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # the messages are recorded; a failed QUIT changes nothing
            logger.debug("Closing the mail connection failed", exc_info=True)
    return result


def _is_permanent(exc: Exception) -> bool:
    """Return True for an SMTP answer that retrying will not change (5xx, such as an unknown mailbox)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _record_failure(mine, delivery: AlertDelivery, exc: Exception, now: dt.datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if _is_permanent(exc) or delivery.attempts >= settings.ALERTS_MAX_ATTEMPTS:
        mine.filter(pk=delivery.pk).update(status=AlertDelivery.Status.FAILED, last_error=error)
    else:
        mine.filter(pk=delivery.pk).update(
            status=AlertDelivery.Status.PENDING,
            next_attempt_at=now + retry_delay(delivery.attempts),
            last_error=error,
            claim_token="",
        )


# --- The alert email ------------------------------------------------------------


def format_day(day: dt.date) -> str:
    """Return a date as the tracker prints it in alerts: 25 Nov 2020."""
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
        late = f"{_days(event.days_late)} late" if event.days_late else "after being flagged overdue"
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
        "latest_as_of": format_day(latest.as_of) if latest else "",
        "commitment_url": settings.SITE_URL + commitment.get_absolute_url(),
    }


def unsubscribe_url(delivery: AlertDelivery) -> str:
    if delivery.monitor_id:
        token = signing.dumps(["monitor", delivery.monitor_id], salt=UNSUBSCRIBE_SALT)
    else:
        token = signing.dumps(["subscriber", delivery.subscriber_id], salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("alerts:unsubscribe", args=[token])


def build_alert_message(delivery: AlertDelivery, context: dict | None = None) -> EmailMultiAlternatives:
    context = {**(context or alert_context(delivery.event)), "unsubscribe_url": unsubscribe_url(delivery)}
    message = EmailMultiAlternatives(
        subject=context["subject"],
        body=render_to_string("commitments/emails/alert.txt", context),
        to=[delivery.to_email],
        headers={
            # RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the URL.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Tracker-Delivery": str(delivery.pk),
        },
    )
    message.attach_alternative(render_to_string("commitments/emails/alert.html", context), "text/html")
    return message


# --- Public subscriptions -------------------------------------------------------


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
    token = signing.dumps(
        {
            "email": email,
            "agreements": [agreement.pk for agreement in agreements],
            "parties": [party.pk for party in parties],
            "categories": list(categories),
        },
        salt=CONFIRM_SALT,
        compress=True,
    )
    context = {
        "confirm_url": settings.SITE_URL + reverse("alerts:confirm", args=[token]),
        "agreements": agreements,
        "parties": parties,
        "categories": [Commitment.Category(category).label for category in categories],
        "valid_days": max(settings.ALERTS_CONFIRM_MAX_AGE // 86400, 1),
    }
    message = EmailMultiAlternatives(
        subject="Confirm your Ceasefire Tracker alerts",
        body=render_to_string("commitments/emails/confirm.txt", context),
        to=[email],
    )
    message.attach_alternative(render_to_string("commitments/emails/confirm.html", context), "text/html")
    try:
        message.send()
    except Exception:  # the page answers the same; the visitor can ask again
        logger.exception("Could not send a subscription confirmation")
        return False
    return True


def read_confirmation(token: str) -> dict:
    """Return the choices a confirmation link carries; raise signing.BadSignature if it is forged or expired."""
    return signing.loads(token, salt=CONFIRM_SALT, max_age=settings.ALERTS_CONFIRM_MAX_AGE)


@transaction.atomic
def confirm_subscription(choices: dict, now: dt.datetime) -> Subscriber:
    """Create or update the subscriber a valid confirmation link names, with its choices."""
    subscriber, _ = Subscriber.objects.get_or_create(email=choices["email"], defaults={"confirmed_at": now})
    subscriber.agreements.set(Agreement.objects.filter(pk__in=choices["agreements"]))
    subscriber.parties.set(Party.objects.filter(pk__in=choices["parties"]))
    subscriber.categories = [c for c in choices["categories"] if c in Commitment.Category.values]
    subscriber.save(update_fields=["categories"])
    return subscriber


def read_unsubscribe(token: str) -> tuple[str, int]:
    """Return (kind, pk) from an unsubscribe link; raise signing.BadSignature if forged. Links do not expire."""
    kind, pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return kind, int(pk)


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
