"""A shared cache of the public pages that every change invalidates.

Every write to the tracker's data (a save, a delete or a many-to-many change of any
model of this app) sets a new data version; a cached page is keyed by that version,
so the next request after any change renders afresh. Pages also depend on the
clock (overdue, days overdue, due soon), and those change only when a deadline
day ends: at a local midnight, which in every time zone falls on a quarter hour
of UTC. So a page is also keyed by the current quarter hour, and expires with it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time

from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation

DATA_VERSION_KEY = "tracker:data-version"
SLOT = dt.timedelta(minutes=15)


def data_version() -> str:
    """Return the current data version, starting one if the cache has none."""
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        cache.add(DATA_VERSION_KEY, str(time.time_ns()), None)
        version = cache.get(DATA_VERSION_KEY)
    return version


def bump_data_version(**kwargs) -> None:
    """Start a new data version (a signal receiver: every write to the tracker's data calls it)."""
    # A fresh unique value rather than incr(): no race with a missing key.
    cache.set(DATA_VERSION_KEY, str(time.time_ns()), None)


def connect_signals() -> None:
    for model in apps.get_app_config("commitments").get_models():
        for signal in (post_save, post_delete):
            signal.connect(bump_data_version, sender=model, dispatch_uid=f"page-cache-{signal}-{model.__name__}")
    m2m_changed.connect(bump_data_version, dispatch_uid="page-cache-m2m")


def slot_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Return the quarter hour of UTC that `now` falls in."""
    start = now.astimezone(dt.UTC).replace(second=0, microsecond=0)
    start -= dt.timedelta(minutes=start.minute % 15)
    return start, start + SLOT


def cache_public_page(view):
    """Serve GET requests of `view` from the cache while the data version and quarter hour hold."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        now = timezone.now()
        slot_start, slot_end = slot_bounds(now)
        key = (
            "tracker:page:"
            + hashlib.sha256(
                "|".join(
                    [request.get_full_path(), translation.get_language() or "", data_version(), slot_start.isoformat()]
                ).encode()
            ).hexdigest()
        )
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming:
            timeout = max(1, int((slot_end - now).total_seconds()))
            cache.set(key, (response.content, response["Content-Type"]), timeout)
        return response

    return wrapper
