"""A shared cache of the public pages that every change invalidates.

A cached page is keyed by the data version (commitments.data_version, read in one query
and bumped by every write of what the pages show; the open data's ETags use it too), so
the next request after any change renders afresh. Pages also depend on the
clock (overdue, days overdue, due soon), and those change only when a deadline
day ends: at a local midnight, which in every time zone falls on a quarter hour
of UTC. So a page is also keyed by the current quarter hour, and expires with it.

One cold render per page at a time (tracker.cached_render): while one request renders a page
that went out of date, the others get the page as it was just before (or wait for the render).
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.http import HttpResponse
from django.utils import timezone, translation

from commitments.data_version import data_version, quarter_hour
from tracker.cached_render import CachedRender

logger = logging.getLogger(__name__)

renders = CachedRender()


def cache_public_page(view, parameters: frozenset[str] = frozenset()):
    """Serve GET requests of `view` from the cache while the data version and quarter hour hold.

    Only URLs whose query string uses `parameters` are cached, so made-up query strings
    cannot fill the cache. A cache that fails (Redis down) counts as a miss.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not set(request.GET) <= parameters:
            return view(request, *args, **kwargs)
        # A signed-in monitor's page may show what the public does not (download links of
        # stored copies): never cache it, never serve it the public's.
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return view(request, *args, **kwargs)
        now = timezone.now()
        slot_start, slot_end = quarter_hour(now)
        page = "|".join([request.get_full_path(), translation.get_language() or ""])
        key = "tracker:page:" + _digest(page, data_version(), slot_start.isoformat())

        def render():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code != 200 or response.streaming:
                return response, None
            return response, max(1, int((slot_end - now).total_seconds()))

        rendered = {}

        def render_for_cache():
            response, timeout = render()
            rendered["response"] = response
            if timeout is None:
                return None, None
            return (response.content, response["Content-Type"]), timeout

        cached, _ = renders.get(key, "tracker:page-stale:" + _digest(page), render_for_cache)
        if "response" in rendered:  # rendered here: the view's own response, with its context
            return rendered["response"]
        if cached is None:  # another request's render was not cacheable (an error page): render
            return render()[0]
        content, content_type = cached
        return HttpResponse(content, content_type=content_type)

    return wrapper


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
