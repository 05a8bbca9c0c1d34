"""Sending: claim due outbox rows and send them, recording each result as soon as it is known."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F

from .emails import alert_context, build_alert_message
from .models import AlertDelivery

logger = logging.getLogger(__name__)


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
