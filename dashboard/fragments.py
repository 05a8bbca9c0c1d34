"""Parts of a public page cached on their own, so that pages sharing them render each part once.

A row of the commitment list looks the same on every list that shows it, whatever the filters,
the sort and the page: /commitments/ has thousands of URLs (each filter's values, sorts, pages)
and each renders and caches on its own, but its rows come from the cache once any list showed
them. A fragment is keyed like the page it is part of (dashboard.page_cache): the data version,
the quarter hour and the language, and its own name and object. Fragments are cached only for
pages that are cached themselves (a visitor's GET): a signed-in monitor's page renders them afresh.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from tracker.cached_render import LocalValues

logger = logging.getLogger(__name__)

_per_data_version = LocalValues()


def render_fragments(
    request: HttpRequest,
    name: str,
    items: Iterable[Any],
    *,
    key: Callable[[Any], object],
    render: Callable[[Any], str],
) -> list[SafeString]:
    """Return `render(item)` (HTML) for each of `items`, taking from the cache those already
    rendered for this page's data version, quarter hour and language under `name` and the item's
    `key`, in one read, and keeping the others in one write."""
    items = list(items)
    state = getattr(request, "page_state", None)
    if state is None:  # not a cached page: nothing to share
        return [mark_safe(render(item)) for item in items]  # noqa: S308 (HTML the renderer escaped)
    keys = [_fragment_key(state, name, key(item)) for item in items]
    cached = _safely(lambda: cache.get_many(keys), {})
    missing = {}
    fragments = []
    for fragment_key, item in zip(keys, items, strict=True):
        html = cached.get(fragment_key)
        if html is None:
            html = missing[fragment_key] = render(item)
        fragments.append(mark_safe(html))  # noqa: S308 (HTML the renderer escaped)
    if missing:
        _safely(lambda: cache.set_many(missing, request.page_timeout), None)
    return fragments


def per_data_version(request: HttpRequest, name: str, compute: Callable[[], Any]) -> Any:
    """Return compute() for this page's data version and language, computed once per process (not
    per quarter hour): a part of a page that depends on the data alone, such as the list's menus of
    agreements and parties. Not a cached page (a monitor's): computed afresh."""
    state = getattr(request, "page_state", None)
    if state is None:
        return compute()
    data_version, _quarter_hour, language = state
    return _per_data_version.get(name, (data_version, language), compute)


def _fragment_key(state: tuple[str, ...], name: str, item_key: object) -> str:
    digest = hashlib.sha256("|".join([name, str(item_key), *state]).encode()).hexdigest()
    return "tracker:fragment:" + digest


def _safely(operation: Callable[[], Any], default: Any) -> Any:
    try:
        return operation()
    except Exception:  # the cache is an optimisation: without it, fragments are rendered
        logger.warning("The cache failed; rendering fragments without it", exc_info=True)
        return default
