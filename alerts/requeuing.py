"""Requeuing: put given-up deliveries back in the outbox, chosen by event, channel and age.

The way out of "gave up" after an outage longer than the retry budget (docs/alerts.md):
`manage.py requeue_alerts --since <when the outage began> --send` delivers, exactly once,
everything that gave up since then. Requeuing is a conditional update of given-up rows, so
running it twice, or while a sender works, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from .models import AlertDelivery


def given_up_deliveries(
    *,
    events: Iterable[int] = (),
    channel: str | None = None,
    since: dt.datetime | None = None,
    queued_after: dt.datetime | None = None,
) -> QuerySet[AlertDelivery]:
    """Return given-up deliveries, narrowed to these deadline events, this channel, those that
    gave up at or after `since`, and those queued after `queued_after` (an age limit)."""
    deliveries = AlertDelivery.objects.gave_up()
    events = list(events)
    if events:
        deliveries = deliveries.filter(event_id__in=events)
    if channel:
        deliveries = deliveries.filter(channel=channel)
    if since:
        deliveries = deliveries.filter(gave_up_at__gte=since)
    if queued_after:
        deliveries = deliveries.filter(created_at__gte=queued_after)
    return deliveries
