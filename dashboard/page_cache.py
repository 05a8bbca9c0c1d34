"""A shared cache of the public pages that every change invalidates.

A cached page is keyed by the data version (commitments.data_version, read in one query
and bumped by every write of what the pages show; the open data's ETags use it too), so
the next request after any change renders afresh. Pages also depend on the
clock (overdue, days overdue, due soon), and those change only when a deadline
day ends: at a local midnight, which in every time zone falls on a quarter hour
of UTC. So a page is also keyed by the current quarter hour, and expires with it.

One cold render per page at a time (tracker.cached_render): while one request renders a page
that went out of date, the others get the page as it was just before (or wait for the render).

The finished response, with the headers the middleware added on its way out, is cached too, and
PublicPageCacheMiddleware serves it near the top of the middleware: an anonymous visitor's cached
page then costs a URL match, the data version and a cache read, not the sessions, CSRF,
authentication, messages and the rest (they were two thirds of a cached page's time under load).
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from commitments.data_version import data_version, quarter_hour
from tracker.cached_render import CachedRender

logger = logging.getLogger(__name__)

renders = CachedRender()
# Finished responses (status, headers, content) by page key, served by PublicPageCacheMiddleware.
finished_pages = CachedRender()


def page_state(request: HttpRequest, now, language: str) -> tuple[str, str, str]:
    """Return what a cached page of `request` depends on besides its URL, and set it on the request
    (request.page_state, request.page_timeout: the seconds left in the quarter hour) for the
    fragments of the page (dashboard.fragments): the data version, the quarter hour, the language."""
    slot_start, slot_end = quarter_hour(now)
    request.page_state = (data_version(), slot_start.isoformat(), language)
    request.page_timeout = max(1, int((slot_end - now).total_seconds()))
    return request.page_state


def page_key(request: HttpRequest, state: tuple[str, str, str]) -> str:
    """Return the cache key of the page `request` asks for, in the given page state."""
    return "tracker:page:" + _digest(request.get_full_path(), *state)


def cache_public_page(view, parameters: frozenset[str] = frozenset()):
    """Serve GET requests of `view` from the cache while the data version and quarter hour hold.

    Only URLs whose query string uses `parameters` are cached, so made-up parameter names
    cannot fill the cache (the values of those parameters can: entries expire with the quarter
    hour). A cache that fails (Redis down) counts as a miss.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not set(request.GET) <= parameters:
            return view(request, *args, **kwargs)
        # A signed-in monitor's page may show what the public does not (download links of
        # stored copies): never cache it, never serve it the public's.
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return view(request, *args, **kwargs)
        page = "|".join([request.get_full_path(), translation.get_language() or ""])
        # PublicPageCacheMiddleware already read the page state (and the data version) for this request.
        if getattr(request, "page_state", None) is None:
            page_state(request, timezone.now(), translation.get_language() or "")
        key = request.public_page_key = page_key(request, request.page_state)
        timeout = request.page_timeout

        def render():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code != 200 or response.streaming:
                return response, None
            return response, timeout

        rendered = {}

        def render_for_cache():
            response, timeout = render()
            rendered["response"] = response
            if timeout is None:
                return None, None
            return (response.content, response["Content-Type"]), timeout

        cached, is_stale = renders.get(key, "tracker:page-stale:" + _digest(page), render_for_cache)
        if "response" in rendered:  # rendered here: the view's own response, with its context
            response = rendered["response"]
        elif cached is None:  # another request's render was not cacheable (an error page): render
            return render()[0]
        else:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
        if response.status_code == 200 and not response.streaming and not is_stale:
            response.public_page_key = key  # this key's page: the middleware may keep it whole
        return response

    wrapper.public_page_parameters = parameters
    return wrapper


class PublicPageCacheMiddleware:
    """Serve an anonymous visitor's GET of a cached public page (cache_public_page) whole from the
    cache, before the rest of the middleware runs; on a miss, let the page through and keep the
    finished response. Goes after SecurityMiddleware and WhiteNoise (redirects to HTTPS and static
    files come first) and before SessionMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        key = self.key_for(request)
        if key is None:
            return self.get_response(request)
        finished_key = key.replace("tracker:page:", "tracker:finished:", 1)
        stored = finished_pages.peek(finished_key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if getattr(response, "public_page_key", None) == key and not response.cookies:
            finished = (response.status_code, list(response.items()), response.content)
            finished_pages.put(finished_key, finished, request.page_timeout)
        return response

    @staticmethod
    def key_for(request: HttpRequest) -> str | None:
        """Return the page key when the request may be served whole from the cache, else None:
        a GET of a cached page, with only that page's parameters, from a visitor without a session
        (a signed-in monitor's pages are never cached)."""
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        # CommonMiddleware, which a cached page skips, checks the Host against ALLOWED_HOSTS: here
        # too (a disallowed one raises DisallowedHost, answered 400).
        request.get_host()
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        parameters = getattr(match.func, "public_page_parameters", None)
        if parameters is None or not set(request.GET) <= parameters:
            return None
        # The language LocaleMiddleware will activate, read the same way (from the URL first, should
        # the site ever put the language there).
        language = translation.get_language_from_request(request, check_path=True)
        state = page_state(request, timezone.now(), language)
        return page_key(request, state)


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
