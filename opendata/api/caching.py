"""The API's answers cached like the public pages (dashboard/page_cache.py): keyed by the URL, the
Accept header, the language, the data version and, for answers with derived states, the quarter
hour — the parts of the answer's ETag — so any write, or the clock moving a state, makes the
next request render afresh. One cold render per key at a time (tracker.cached_render); while it
runs, other requests get the answer from before the change, with that answer's own ETag.

A caching layer only: what an answer holds is the serializers' business, unchanged here.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response

from tracker.cached_render import CachedRender

renders = CachedRender()

# Answers are kept this long at most; the data version and the quarter hour in the key make an
# outdated answer unreachable long before.
TIMEOUT = 900


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class CachedResponsesMixin:
    """List and detail answers of a DRF viewset served from the shared cache. The viewset sets
    `self.etag` (quoted) in initial(), before list() or retrieve() runs."""

    def list(self, request, *args, **kwargs):
        return self.cached_response(request, super().list, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.cached_response(request, super().retrieve, *args, **kwargs)

    def cached_response(self, request, handler, *args, **kwargs):
        address = _digest(request.get_full_path(), request.headers.get("Accept", ""), translation.get_language() or "")
        key = "tracker:api:" + _digest(address, self.etag)
        uncached = {}

        def render():
            response = handler(request, *args, **kwargs)
            if response.status_code != 200:
                uncached["response"] = response
                return None, None
            # What finalize_response() would do, so the answer can be rendered to bytes here.
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            response.render()
            return (response.content, response["Content-Type"], self.etag), TIMEOUT

        cached, is_stale = renders.get(key, "tracker:api-stale:" + address, render)
        if "response" in uncached:
            return uncached["response"]  # a 304, or an error: never cached
        content, content_type, etag = cached
        if not is_stale and (not_modified := get_conditional_response(request, etag=etag)):
            return not_modified  # a cached answer, whose If-None-Match the handler did not see
        response = HttpResponse(content, content_type=content_type)
        response["ETag"] = etag  # a stale answer keeps its own: a client holding it asks again
        return response
