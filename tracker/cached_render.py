"""One cold render per key at a time, for the public pages' and the API's caches.

When a cached page goes out of date (any write moves the data version, and every quarter hour
the clock may change a derived state), every web process's next request for it misses at
once. Without coordination each of them renders the page afresh at the same time, and requests
queue behind those renders. Here the first miss takes a lock in the shared cache (an atomic
`add`, so one process in the whole deployment wins) and renders; the others, meanwhile, serve
the page as it was before the change (the stale copy kept beside it) or, when there is none
yet, wait for the render to land in the cache. The lock expires by itself, so a process that
died while holding it blocks nobody for longer than `lock_timeout`; a render that fails
releases it at once.

Each process also keeps its latest few values in memory (`local_items`), by the same key: a
key names one version of the data and one quarter hour, so a copy can never be out of date
while its key is asked for, and the busiest pages (the home page is hundreds of KB) are served
without a round trip to Redis. forget_local_copies() empties them (tests, the benchmark).

The cache is an optimisation: if it fails (Redis down), the page is rendered as without it.
Waiting uses `clock` and `pause`, which tests replace so that nothing sleeps.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache as default_cache

logger = logging.getLogger(__name__)

# Render(): returns the value and how long (seconds) it may be served from the cache; None for
# either means "do not cache" (an error page, a streamed response).
Render = Callable[[], tuple[Any, int | None]]

_instances: weakref.WeakSet[CachedRender | LocalValues] = weakref.WeakSet()


def forget_local_copies() -> None:
    """Empty every process-local copy (when the shared cache is emptied, or the data reset)."""
    for instance in list(_instances):
        instance.forget()


class LocalValues:
    """Values this process computes once per key: for each name, the value of the latest key asked
    for. For a part of a page that depends on the data alone (a menu read from the database), keyed
    by the data version and the language: it cannot be out of date while its key is asked for, and
    reading it costs no round trip to the shared cache."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[Any, Any]] = {}
        self.lock = threading.Lock()
        _instances.add(self)

    def forget(self) -> None:
        with self.lock:
            self.values.clear()

    def get(self, name: str, key: Any, compute: Callable[[], Any]) -> Any:
        """Return the value of `name` for `key`, from compute() when this process has none yet."""
        with self.lock:
            found = self.values.get(name)
        if found is not None and found[0] == key:
            return found[1]
        value = compute()
        with self.lock:
            self.values[name] = (key, value)
        return value


class CachedRender:
    def __init__(
        self,
        *,
        lock_timeout: int = 30,
        wait: float = 10.0,
        poll: float = 0.02,
        stale_timeout: int = 3600,
        local_items: int = 16,
        cache=None,
        clock: Callable[[], float] = time.monotonic,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        self.lock_timeout = lock_timeout  # a dead holder's lock expires after this
        self.wait = wait  # the most a request waits for another's render before rendering itself
        self.poll = poll
        self.stale_timeout = stale_timeout  # how long the copy before a change is kept to bridge renders
        self.cache = cache
        self.clock, self.pause = clock, pause
        self.local_items = local_items
        self.local: OrderedDict[str, Any] = OrderedDict()
        self.local_lock = threading.Lock()
        _instances.add(self)

    def forget(self) -> None:
        with self.local_lock:
            self.local.clear()

    def _remember(self, key: str, value: Any) -> None:
        if self.local_items <= 0:
            return
        with self.local_lock:
            self.local[key] = value
            self.local.move_to_end(key)
            while len(self.local) > self.local_items:
                self.local.popitem(last=False)

    def _recall(self, key: str) -> Any:
        with self.local_lock:
            value = self.local.get(key)
            if value is not None:
                self.local.move_to_end(key)
            return value

    def _cache(self):
        return self.cache or default_cache

    def _safely(self, operation: str, *args, default=None):
        try:
            return getattr(self._cache(), operation)(*args)
        except Exception:  # the cache is an optimisation: without it, pages are rendered
            logger.warning("The cache failed (%s); rendering without it", operation, exc_info=True)
            return default

    def peek(self, key: str) -> Any:
        """Return the value cached under `key` (this process's copy first), or None: never renders."""
        value = self._recall(key)
        if value is None:
            value = self._safely("get", key)
            if value is not None:
                self._remember(key, value)
        return value

    def put(self, key: str, value: Any, timeout: int) -> None:
        """Cache `value` under `key` for `timeout` seconds, here and in the shared cache."""
        self._safely("set", key, value, timeout)
        self._remember(key, value)

    def get(self, key: str, stale_key: str, render: Render) -> tuple[Any, bool]:
        """Return (value, is_stale): the value cached under `key`, else the one this call or a
        concurrent one renders; while another renders, the stale copy if there is one."""
        value = self.peek(key)
        if value is not None:
            return value, False
        deadline = self.clock() + self.wait
        while True:
            token = uuid.uuid4().hex
            # A failing cache (None) cannot coordinate anything: render.
            taken = self._safely("add", f"{key}:lock", token, self.lock_timeout, default=True)
            if taken:
                return self._render_and_store(key, stale_key, f"{key}:lock", token, render), False
            stale = self._safely("get", stale_key)
            if stale is not None:
                return stale, True
            if self.clock() >= deadline:  # the holder is slow or stuck: do not wait longer
                logger.warning("Waited %.1f s for another render of %s; rendering here", self.wait, key)
                return self._render_and_store(key, stale_key, None, None, render), False
            self.pause(self.poll)
            value = self._safely("get", key)
            if value is not None:
                self._remember(key, value)
                return value, False

    def _render_and_store(self, key: str, stale_key: str, lock_key: str | None, token: str | None, render: Render):
        try:
            value, timeout = render()
            if value is not None and timeout is not None:
                self._safely("set", key, value, timeout)
                self._safely("set", stale_key, value, self.stale_timeout)
                self._remember(key, value)
            return value
        finally:
            # Release it unless it expired and another request holds it now.
            if lock_key is not None and self._safely("get", lock_key, default=token) == token:
                self._safely("delete", lock_key)
