"""Cheap conditional GET for the open data (API, exports, feeds, calendars).

An ETag is derived from a version of the whole data set read in one query, not from
the response body: clients that poll get a 304 without the server loading anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.http import condition

from commitments.data_version import data_version, quarter_hour


def make_etag(request: HttpRequest, *parts: str) -> str:
    """Return an ETag for the representation at this URL given the data version `parts`."""
    key = "\n".join([request.get_full_path(), request.headers.get("Accept", ""), *parts])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def current_etag(request: HttpRequest, now: dt.datetime | None = None) -> str:
    """Return the ETag of a response built from the data, and from the clock when `now` is given."""
    parts = [data_version()]
    if now is not None:
        parts.append(quarter_hour(now)[0].isoformat())
    return make_etag(request, *parts)


def conditional(time_dependent: bool) -> Callable:
    """Decorate a view so it sends an ETag and answers 304 to a matching If-None-Match.

    `time_dependent` views show states that change with the clock (overdue, days overdue).
    """

    def etag(request: HttpRequest, *args, **kwargs) -> str:
        return current_etag(request, timezone.now() if time_dependent else None)

    return condition(etag_func=etag)
