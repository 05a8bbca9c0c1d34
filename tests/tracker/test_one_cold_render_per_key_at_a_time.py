"""The page and API caches render a key once at a time (tracker.cached_render): two concurrent misses
render once; while one renders, the others get the copy from before the change; a failing render
does not wedge the lock; a lock whose holder died expires. The same against a real Redis, the
production cache. Nothing sleeps: the waiting request's pause is injected, time is moved by
time-machine."""

import threading
import time

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache

from tracker.cached_render import CachedRender


@pytest.fixture
def locmem():
    cache = LocMemCache("cached-render-test", {})
    yield cache
    cache.clear()


class Renders:
    """A render that counts its calls; the first one can be held until the test lets it finish."""

    def __init__(self, hold: bool = False) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.may_finish = threading.Event()
        self.hold = hold

    def __call__(self):
        self.calls += 1
        self.started.set()
        if self.hold and self.calls == 1:
            assert self.may_finish.wait(10)
        return f"page {self.calls}", 60


def concurrent_misses_render_once(cache) -> None:
    render = Renders(hold=True)
    first_result = {}
    first = threading.Thread(
        target=lambda: first_result.update(value=CachedRender(cache=cache).get("page", "page-stale", render))
    )
    first.start()
    assert render.started.wait(10)  # the first request holds the lock and is rendering

    def pause(seconds: float) -> None:  # the second request waits: let the first one finish
        render.may_finish.set()
        first.join(10)

    second = CachedRender(cache=cache, pause=pause).get("page", "page-stale", render)

    assert render.calls == 1
    assert first_result["value"] == second == ("page 1", False)


def test_two_concurrent_misses_render_once(locmem):
    concurrent_misses_render_once(locmem)


@pytest.mark.services
def test_two_concurrent_misses_render_once_with_redis(redis_cache):
    concurrent_misses_render_once(redis_cache)


def test_while_one_request_renders_the_others_get_the_page_as_it_was(locmem):
    CachedRender(cache=locmem).get("page-v1", "page-stale", lambda: ("old page", 60))
    render = Renders(hold=True)
    first = threading.Thread(target=CachedRender(cache=locmem).get, args=("page-v2", "page-stale", render))
    first.start()
    assert render.started.wait(10)

    def pause(seconds: float) -> None:
        raise AssertionError("a stale copy exists: nobody waits")

    assert CachedRender(cache=locmem, pause=pause).get("page-v2", "page-stale", render) == ("old page", True)
    render.may_finish.set()
    first.join(10)
    assert CachedRender(cache=locmem).get("page-v2", "page-stale", render) == ("page 1", False)
    assert render.calls == 1


def test_a_failing_render_releases_the_lock(locmem):
    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        CachedRender(cache=locmem).get("page", "page-stale", broken)

    def pause(seconds: float) -> None:
        raise AssertionError("the lock was released: nobody waits")

    assert CachedRender(cache=locmem, pause=pause).get("page", "page-stale", lambda: ("page", 60)) == ("page", False)


def test_an_uncacheable_render_is_not_stored_and_releases_the_lock(locmem):
    renders = []

    def error_page():
        renders.append(1)
        return "error page", None

    assert CachedRender(cache=locmem).get("page", "page-stale", error_page) == ("error page", False)
    assert CachedRender(cache=locmem).get("page", "page-stale", error_page) == ("error page", False)
    assert len(renders) == 2


def test_the_lock_of_a_holder_that_died_expires(locmem):
    pauses = []
    with time_machine.travel(1_700_000_000, tick=False) as traveller:
        locmem.add("page:lock", "a process that was killed", 30)

        def pause(seconds: float) -> None:
            pauses.append(seconds)
            traveller.shift(seconds)

        renders = Renders()
        value = CachedRender(cache=locmem, lock_timeout=30, wait=120, poll=1, clock=time.time, pause=pause).get(
            "page", "page-stale", renders
        )

    assert value == ("page 1", False) and renders.calls == 1
    assert 30 <= len(pauses) <= 31  # it waited until the dead holder's lock expired, then rendered


def test_a_request_that_waited_too_long_renders_itself(locmem):
    locmem.add("page:lock", "a slow render", 300)
    now = [0.0]

    def pause(seconds: float) -> None:
        now[0] += seconds

    renders = Renders()
    value = CachedRender(cache=locmem, wait=10, poll=1, clock=lambda: now[0], pause=pause).get(
        "page", "page-stale", renders
    )
    assert value == ("page 1", False) and now[0] == 10
