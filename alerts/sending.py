"""Sending: claim due outbox rows, compose, send, and record each result as soon as it is known.

Each channel goes through the same four steps:

1. claim_batch(): a conditional update marks up to a batch of due rows as ours (the lock);
   a run claims up to ALERTS_SEND_CONNECTIONS batches of emails;
2. compose: the email (emails.py, its bodies rendered once per event) or the signed JSON
   document (webhooks.py);
3. send: over one SMTP connection per batch, the batches in parallel threads; one HTTP POST
   per webhook;
4. record: sent, retry later, or gave up (attempts spent, a permanent refusal, or the
   endpoint disabled), as soon as the result is known (sent emails of parallel batches: all
   results waiting at that moment in one UPDATE).

A given-up row is never a dead end: `requeue_alerts` or the admin action puts it back.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import operator
import queue
import smtplib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, QuerySet

from . import webhooks
from .emails import AlertBodies, alert_context, build_alert_message, build_endpoint_disabled_message, unsubscribe_url
from .models import AlertDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)
# One JSON line per give-up (LOGGING sends this logger to the JSON handler whatever LOG_FORMAT says).
gave_up_logger = logging.getLogger("alerts.gave_up")

Channel = AlertDelivery.Channel
Status = AlertDelivery.Status


@dataclass
class SendResult:
    found: int = 0  # due rows seen; a sender keeps going while it finds some
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    cancelled: int = 0

    def add(self, other: SendResult) -> None:
        for name in ("found", "claimed", "sent", "failed", "gave_up", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Batch:
    """Rows claimed by one sender run: `mine` matches exactly the rows it still holds."""

    token: str
    deliveries: list[AlertDelivery] = field(default_factory=list)
    mine: QuerySet | None = None
    # When it was claimed and when its claim was last renewed, on `clock` (durations only).
    clock: Callable[[], float] = time.monotonic
    claimed: float = 0.0
    renewed: float = 0.0

    def __post_init__(self) -> None:
        self.claimed = self.renewed = self.clock()

    def keep_claim(self, now: dt.datetime) -> None:
        """Move the claim of the rows still held to the claim time `now` plus the time spent since,
        every quarter of ALERTS_CLAIM_TIMEOUT: a sender that makes progress keeps its rows however
        long its batch takes (parallel batches share the CPU), and only one that stopped (killed,
        stuck) loses them once the timeout passes."""
        moment = self.clock()
        if moment - self.renewed < settings.ALERTS_CLAIM_TIMEOUT / 4:
            return
        self.renewed = moment
        self.mine.update(claimed_at=now + dt.timedelta(seconds=moment - self.claimed))


def retry_delay(attempts: int) -> dt.timedelta:
    """Return how long to wait before the next attempt after `attempts` failed ones (exponential, capped)."""
    seconds = settings.ALERTS_RETRY_DELAY * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.ALERTS_RETRY_MAX_DELAY))


def send_pending_alerts(
    now: dt.datetime,
    *,
    batch_size: int | None = None,
    connection: BaseEmailBackend | None = None,
    signed_at: dt.datetime | None = None,
    channels: tuple[str, ...] = (Channel.EMAIL, Channel.WEBHOOK),
    connections: int | None = None,
    more_due: Callable[[], None] | None = None,
) -> SendResult:
    """Claim and send due rows of each channel, as of `now`; return the counts.

    Emails: up to `connections` batches (default ALERTS_SEND_CONNECTIONS), each sent over its own
    SMTP connection in parallel (a given `connection` serves one batch). Webhooks: one batch.
    `more_due` is called once, right after claiming, if the claims were full (more rows may be
    due), so that a caller can start another sender while this one sends.

    `now` is the claim time, so the caller reads the clock for each batch (a drain that passed
    its start time to every batch would claim rows that already look expired). Webhooks are
    signed at `signed_at` (default `now`): a replay with an old `now` still signs with the
    current time, which receivers require.
    """
    result = SendResult()
    size = batch_size or settings.ALERTS_BATCH_SIZE
    claims: dict[str, list[Batch]] = {}
    may_be_more = False
    for channel in channels:
        count = (connections or settings.ALERTS_SEND_CONNECTIONS) if channel == Channel.EMAIL else 1
        if connection is not None:
            count = 1
        claims[channel] = []
        for _ in range(max(1, count)):
            batch, found = claim_batch(now, channel, size)
            result.found += found
            result.claimed += len(batch.deliveries)
            if batch.deliveries:
                claims[channel].append(batch)
            if found < size:
                break
        else:
            may_be_more = True  # every claim was full
    if may_be_more and more_due is not None:
        more_due()
    for channel, batches in claims.items():
        if not batches:
            continue
        if channel == Channel.EMAIL:
            result.add(send_email_batches(batches, now, connection=connection))
        else:
            for batch in batches:
                result.add(send_webhook_batch(batch, now, signed_at=signed_at or now))
    return result


def claim_batch(now: dt.datetime, channel: str, batch_size: int) -> tuple[Batch, int]:
    """Claim up to `batch_size` due rows of `channel`; return the batch and how many were due.

    A conditional update is the lock: a row another sender claimed in the meantime no longer
    matches, so two senders never hold the same row. Losing some or all of the rows to another
    sender is not an empty outbox: the caller goes on while rows were due.
    """
    claim_timeout = dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT)
    ready = AlertDelivery.objects.ready_to_send(now, claim_timeout).filter(channel=channel)
    pks = list(ready.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:batch_size])
    batch = Batch(token=uuid.uuid4().hex)
    if not pks:
        return batch, 0
    ready.filter(pk__in=pks).update(
        status=Status.SENDING, claimed_at=now, claim_token=batch.token, attempts=F("attempts") + 1
    )
    # By primary key first: the claim token has no index, and the outbox keeps every row sent.
    batch.mine = AlertDelivery.objects.filter(pk__in=pks, claim_token=batch.token, status=Status.SENDING)
    batch.deliveries = list(
        batch.mine.select_related("event__commitment__provision__agreement", "subscriber", "monitor", "endpoint")
        .prefetch_related("event__commitment__responsible_parties")
        .order_by("id")
    )
    return batch, len(pks)


def send_email_batch(batch: Batch, now: dt.datetime, *, connection: BaseEmailBackend | None = None) -> SendResult:
    """Send one claimed batch of emails over one mail connection (see send_email_batches)."""
    return send_email_batches([batch], now, connection=connection)


_FINISHED = object()  # a sending thread's last report


def send_email_batches(
    batches: list[Batch], now: dt.datetime, *, connection: BaseEmailBackend | None = None
) -> SendResult:
    """Send claimed batches of emails, each over its own mail connection, and record each result.

    One batch is sent in the calling thread. Several are sent in parallel, one thread and SMTP
    connection each, while this thread records their results: whatever results are waiting at
    that moment in one UPDATE, and only then does each sending thread go on to its next message.
    Either way a sender killed mid-batch leaves at most the message in flight on each connection
    unrecorded; its claim expires after ALERTS_CLAIM_TIMEOUT and it is sent again, with the same
    Message-ID. Only this thread touches the database.
    """
    result = SendResult()
    work: list[tuple[Batch, list[AlertDelivery]]] = []
    for batch in batches:
        to_send = []
        for delivery in batch.deliveries:
            if delivery.subscriber_id is None and delivery.monitor_id is None:
                batch.mine.filter(pk=delivery.pk).update(status=Status.CANCELLED)
                result.cancelled += 1
            else:
                to_send.append(delivery)
        if to_send:
            work.append((batch, to_send))
    if not work:
        return result
    # What every message about an event shows: read and rendered once per event, here, so the
    # sending threads need no database.
    composed: dict[int, tuple[dict, AlertBodies]] = {}
    for _, deliveries in work:
        for delivery in deliveries:
            if delivery.event_id not in composed:
                try:
                    context = alert_context(delivery.event)
                    composed[delivery.event_id] = (context, AlertBodies.render(context))
                except Exception:  # reported per message below, as a failure to compose it
                    logger.exception("Could not compose the alerts of deadline event %s", delivery.event_id)

    if len(work) == 1:
        batch, deliveries = work[0]

        def record_at_once(delivery: AlertDelivery, outcome: Exception | None) -> bool:
            if outcome is None:
                if not _record_sent(batch, delivery, now, result):
                    return False
            else:
                _record_failure(batch, delivery, outcome, now, result)
            batch.keep_claim(now)
            return True

        _send_over_one_connection(
            deliveries, composed, connection or get_connection(fail_silently=False), record_at_once
        )
        return result
    return _send_in_parallel(work, composed, now, result)


def _send_over_one_connection(
    deliveries: list[AlertDelivery],
    composed: dict[int, tuple[dict, AlertBodies]],
    connection: BaseEmailBackend,
    report: Callable[[AlertDelivery, Exception | None], bool],
) -> None:
    """Compose and send each delivery over `connection`, calling report(delivery, None) when the
    server accepted it, or report(delivery, error); stop when report returns False."""
    try:
        connection.open()
    except Exception as exc:  # refused, timed out, TLS or login failed: every message waits
        logger.warning("Could not connect to the mail server: %s", exc)
        for delivery in deliveries:
            report(delivery, exc)
        return
    try:
        for delivery in deliveries:
            try:
                context, bodies = composed[delivery.event_id]
                connection.send_messages([build_alert_message(delivery, context, bodies)])
            except SoftTimeLimitExceeded:
                raise  # stop the batch; the message in flight is retried when its claim expires
            except Exception as exc:  # recorded on the row; the rest of the batch goes on
                logger.warning("Alert delivery %s to %s failed: %s", delivery.pk, delivery.to_email, exc)
                outcome: Exception | None = exc
            else:
                outcome = None
            if not report(delivery, outcome):
                break
    finally:
        try:
            connection.close()
        except Exception:  # the messages are recorded; a failed QUIT changes nothing
            logger.debug("Closing the mail connection failed", exc_info=True)


def _send_in_parallel(
    work: list[tuple[Batch, list[AlertDelivery]]],
    composed: dict[int, tuple[dict, AlertBodies]],
    now: dt.datetime,
    result: SendResult,
) -> SendResult:
    """Send each batch in its own thread over its own connection; record results here, grouped.

    A thread reports each result and waits until it is recorded before sending the next message.
    """
    reports: queue.SimpleQueue = queue.SimpleQueue()
    stop = {batch.token: threading.Event() for batch, _ in work}

    def sender(batch: Batch, deliveries: list[AlertDelivery]) -> None:
        def report(delivery: AlertDelivery, outcome: Exception | None) -> bool:
            recorded = threading.Event()
            reports.put((batch, delivery, outcome, recorded))
            recorded.wait()
            return not stop[batch.token].is_set()

        try:
            _send_over_one_connection(deliveries, composed, get_connection(fail_silently=False), report)
        except Exception:  # a bug, not a mail error: the unreported rows wait for their claim to expire
            logger.exception("A sending thread failed")
        finally:
            reports.put((batch, None, _FINISHED, None))

    def record(waiting: list[tuple]) -> None:
        """Record a group of reports: failures one by one, the sent rows of every batch in one UPDATE."""
        sent: dict[str, tuple[Batch, list[AlertDelivery]]] = {}
        try:
            for batch, delivery, outcome, _ in waiting:
                if outcome is None:
                    sent.setdefault(batch.token, (batch, []))[1].append(delivery)
                elif outcome is not _FINISHED:
                    _record_failure(batch, delivery, outcome, now, result)
            for token in _record_sent_together(list(sent.values()), now, result) if sent else ():
                stop[token].set()
            for batch in {item[0].token: item[0] for item in waiting}.values():
                if not stop[batch.token].is_set():
                    batch.keep_claim(now)
        finally:
            for *_, recorded in waiting:
                if recorded is not None:
                    recorded.set()

    threads = [threading.Thread(target=sender, args=job, name=f"alerts-smtp-{n}") for n, job in enumerate(work)]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            waiting = [reports.get()]
            while True:
                try:
                    waiting.append(reports.get_nowait())
                except queue.Empty:
                    break
            running -= sum(1 for item in waiting if item[2] is _FINISHED)
            record(waiting)
    finally:
        # Stopped early (a time limit, a failing database): the threads finish the message in
        # hand; record what they report if possible, and leave the rest to their claims' expiry.
        for event in stop.values():
            event.set()
        while any(thread.is_alive() for thread in threads):
            try:
                item = reports.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                record([item])
            except Exception:
                logger.exception("Could not record an alert delivery's result")
    return result


def send_webhook_batch(batch: Batch, now: dt.datetime, *, signed_at: dt.datetime) -> SendResult:
    """POST each claimed webhook delivery to its endpoint, recording each result at once.

    A 2xx answer is delivered. Anything else (an error status, a timeout, a refused connection,
    a URL that now resolves to a private address) is retried with backoff; 410 Gone disables the
    endpoint at once. An endpoint that fails ALERTS_WEBHOOK_DISABLE_AFTER times in a row is
    disabled: its waiting rows give up and its owner gets a notice.
    """
    result = SendResult()
    contexts: dict[int, dict] = {}
    disabled: set[int] = set()
    for delivery in batch.deliveries:
        endpoint = delivery.endpoint
        if endpoint is None:  # deleted (unsubscribed): nobody to send to
            batch.mine.filter(pk=delivery.pk).update(status=Status.CANCELLED)
            result.cancelled += 1
            continue
        if not endpoint.is_active or endpoint.pk in disabled:
            _give_up(batch.mine.filter(pk=delivery.pk), now, "The endpoint is disabled.", result)
            continue
        try:
            if delivery.event_id not in contexts:
                contexts[delivery.event_id] = alert_context(delivery.event)
            context = {**contexts[delivery.event_id], "unsubscribe_url": unsubscribe_url(delivery)}
            body = webhooks.encode(webhooks.payload(delivery, context))
            headers = webhooks.signed_request(delivery, body, signed_at)
            answer = webhooks.post(endpoint.url, body, headers, timeout=settings.ALERTS_WEBHOOK_TIMEOUT)
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # unreachable, timed out, refused URL: retried
            logger.warning("Webhook delivery %s to %s failed: %s", delivery.pk, endpoint.url, exc)
            error = f"{type(exc).__name__}: {exc}"
            gone = False
        else:
            if answer.ok():
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0, last_success_at=now)
                if not _record_sent(batch, delivery, now, result):
                    break
                continue
            error = f"HTTP {answer.status} {answer.reason}"
            gone = answer.gone()
            logger.warning("Webhook delivery %s to %s failed: %s", delivery.pk, endpoint.url, error)
        _record_failure(batch, delivery, RuntimeError(error), now, result)
        if _count_endpoint_failure(endpoint, now, error, gone=gone, result=result):
            disabled.add(endpoint.pk)
    return result


def _record_sent(batch: Batch, delivery: AlertDelivery, now: dt.datetime, result: SendResult) -> bool:
    """Mark a delivery sent; return False if this sender no longer holds its claim.

    That happens only if the batch outlived ALERTS_CLAIM_TIMEOUT and another sender took the
    rows over: stop here, so at most this one message went out twice.
    """
    if batch.mine.filter(pk=delivery.pk).update(status=Status.SENT, sent_at=now, last_error="") == 1:
        result.sent += 1
        return True
    logger.warning("Alert delivery %s was taken over by another sender; this batch stops here.", delivery.pk)
    return False


def _record_sent_together(
    groups: list[tuple[Batch, list[AlertDelivery]]], now: dt.datetime, result: SendResult
) -> set[str]:
    """Mark sent deliveries of one or more batches in one UPDATE, each only while its batch still
    holds it; return the tokens of the batches that no longer hold some of theirs (another sender
    took them over after ALERTS_CLAIM_TIMEOUT): those batches stop."""
    # Each batch's own rule of what it still holds (Batch.mine), the batches ORed into one query.
    held = functools.reduce(
        operator.or_,
        (batch.mine.filter(pk__in=[delivery.pk for delivery in deliveries]) for batch, deliveries in groups),
    )
    marked = held.update(status=Status.SENT, sent_at=now, last_error="")
    result.sent += marked
    if marked == sum(len(deliveries) for _, deliveries in groups):
        return set()
    lost = set()
    for batch, deliveries in groups:  # which batch lost rows: those it marked still carry its token
        ids = [delivery.pk for delivery in deliveries]
        if AlertDelivery.objects.filter(pk__in=ids, claim_token=batch.token, status=Status.SENT).count() < len(ids):
            logger.warning("Alert deliveries of batch %s were taken over by another sender; it stops.", batch.token)
            lost.add(batch.token)
    return lost


def _is_permanent(exc: Exception) -> bool:
    """Return True for an SMTP answer that retrying will not change (5xx, such as an unknown mailbox)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _record_failure(batch: Batch, delivery: AlertDelivery, exc: Exception, now: dt.datetime, result: SendResult):
    error = f"{type(exc).__name__}: {exc}"[:2000]
    row = batch.mine.filter(pk=delivery.pk)
    if _is_permanent(exc) or delivery.attempts >= settings.ALERTS_MAX_ATTEMPTS:
        _give_up(row, now, error, result)
    else:
        row.update(status=Status.PENDING, next_attempt_at=now + retry_delay(delivery.attempts), last_error=error)
        result.failed += 1


def _give_up(rows: QuerySet, now: dt.datetime, error: str, result: SendResult | None = None) -> int:
    """Mark `rows` given up with `error`, logging one JSON line for each; return how many."""
    given_up = list(rows.values("pk", "event_id", "channel", "to_email", "endpoint_id", "attempts"))
    count = rows.update(status=Status.FAILED, gave_up_at=now, last_error=error[:2000])
    for row in given_up[:count]:
        gave_up_logger.warning(
            "gave up alert delivery %s",
            row["pk"],
            extra={
                "event": "alert_gave_up",
                "delivery_id": row["pk"],
                "deadline_event_id": row["event_id"],
                "channel": row["channel"],
                "recipient": row["to_email"] or f"endpoint {row['endpoint_id']}",
                "attempts": row["attempts"],
                "error": error[:500],
                "gave_up_at": now.isoformat(),
            },
        )
    if result is not None:
        result.gave_up += count
    return count


def _count_endpoint_failure(
    endpoint: WebhookEndpoint, now: dt.datetime, error: str, *, gone: bool, result: SendResult
) -> bool:
    """Count a failed attempt against `endpoint`; disable it at the threshold (or on 410 Gone).
    Return True if this call disabled it."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    failures = WebhookEndpoint.objects.values_list("consecutive_failures", flat=True).get(pk=endpoint.pk)
    if not gone and failures < settings.ALERTS_WEBHOOK_DISABLE_AFTER:
        return False
    reason = f"Disabled after {failures} failed attempts in a row; the last: {error}"
    if gone:
        reason = f"Disabled because the receiver answered {error}"
    # A conditional update, so two senders disable it (and tell its owner) once.
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason
    ):
        return True
    logger.warning("Webhook endpoint %s (%s) disabled: %s", endpoint.pk, endpoint.url, reason)
    # Rows in other senders' hands find it disabled when they come back to the outbox.
    waiting = AlertDelivery.objects.filter(endpoint=endpoint, status=Status.PENDING)
    _give_up(waiting, now, "The endpoint was disabled: " + reason, result)
    try:
        build_endpoint_disabled_message(endpoint, failures, error).send()
    except Exception:  # the endpoint stays disabled and says why in the admin
        logger.exception("Could not tell the owner of webhook endpoint %s that it was disabled", endpoint.pk)
    return True
