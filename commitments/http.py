"""Cheap conditional GET for the open data (API, exports, feeds, calendars).

An ETag is derived from a version of the whole data set read in one query, not from
the response body: clients that poll get a 304 without the server loading anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.http import condition

from .models import (
    Agreement,
    AgreementText,
    Claim,
    Commitment,
    DeadlineChange,
    Evidence,
    Party,
    Provision,
    Source,
    StatusUpdate,
)

TRACKED_MODELS = [
    Party,
    Source,
    Agreement,
    AgreementText,
    Provision,
    Commitment,
    DeadlineChange,
    StatusUpdate,
    Evidence,
    Claim,
]

# Derived states (overdue, due soon, days overdue, the current term of a mandate) change
# when a day ends in an agreement's time zone. Every zone's midnight falls on a quarter
# hour of UTC (offsets are multiples of 15 minutes), so within one quarter hour the
# states cannot change and the ETag of a time-dependent response may stay the same.
STATE_CLOCK_STEP = dt.timedelta(minutes=15)


def _version_sql() -> str:
    """Return one SELECT of the latest change to each table: the newest history entry
    (every create, change and delete through the ORM) and the highest id (which also
    catches bulk inserts that skip the history, as make_synthetic_data does)."""
    tables = []
    for model in TRACKED_MODELS:
        tables.append((model._meta.db_table, "id"))
        tables.append((model.history.model._meta.db_table, "history_date"))
        for field in model._meta.many_to_many:
            if field.remote_field.through._meta.auto_created:
                tables.append((field.remote_field.through._meta.db_table, "id"))
    quote = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT MAX({quote(column)}) FROM {quote(table)})" for table, column in tables)


def data_version() -> str:
    """Return a string that changes whenever anything the public sees is written."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        return "|".join(str(value) for value in cursor.fetchone())


def state_clock(now: dt.datetime) -> str:
    """Return the quarter hour `now` falls in, within which no derived state can change."""
    step = int(STATE_CLOCK_STEP.total_seconds())
    return str(int(now.timestamp()) // step)


def make_etag(request: HttpRequest, *parts: str) -> str:
    """Return an ETag for the representation at this URL given the data version `parts`."""
    key = "\n".join([request.get_full_path(), request.headers.get("Accept", ""), *parts])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def current_etag(request: HttpRequest, now: dt.datetime | None = None) -> str:
    """Return the ETag of a response built from the data, and from the clock when `now` is given."""
    parts = [data_version()]
    if now is not None:
        parts.append(state_clock(now))
    return make_etag(request, *parts)


def conditional(time_dependent: bool) -> Callable:
    """Decorate a view so it sends an ETag and answers 304 to a matching If-None-Match.

    `time_dependent` views show states that change with the clock (overdue, days overdue).
    """

    def etag(request: HttpRequest, *args, **kwargs) -> str:
        return current_etag(request, timezone.now() if time_dependent else None)

    return condition(etag_func=etag)
