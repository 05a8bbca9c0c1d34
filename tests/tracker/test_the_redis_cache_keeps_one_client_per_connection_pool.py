"""The production cache (tracker.redis_cache.RedisCache: Django's Redis backend) builds one redis-py
client per connection pool rather than one per operation, and does all that Django's does, from
several threads at once, against a real Redis."""

import threading

import pytest


@pytest.mark.services
def test_every_operation_works_and_shares_one_client(redis_cache):
    cache = redis_cache
    cache.set("page", {"html": "<p>Kalbajar</p>"}, 60)
    assert cache.get("page") == {"html": "<p>Kalbajar</p>"}
    assert cache.add("page", "other", 60) is False
    cache.set_many({"row:1": "a", "row:2": "b"}, 60)
    assert cache.get_many(["row:1", "row:2", "row:3"]) == {"row:1": "a", "row:2": "b"}
    assert cache.add("hits", 0, 60) is True
    assert cache.incr("hits") == 1
    assert cache.touch("page", 120) is True
    cache.delete_many(["row:1", "row:2"])
    assert cache.get("row:1") is None
    assert cache.delete("page") is True
    assert cache.get("page", "gone") == "gone"
    client = cache._cache.get_client("page")
    assert cache._cache.get_client("other", write=True) is client  # one server: one pool, one client


@pytest.mark.services
def test_threads_share_the_client_and_see_each_others_writes(redis_cache):
    cache = redis_cache
    errors = []

    def write_and_read(number: int) -> None:
        try:
            for round_ in range(50):
                cache.set(f"thread:{number}", round_, 60)
                assert cache.get(f"thread:{number}") == round_
        except Exception as error:  # reported below: an assertion in a thread does not fail the test
            errors.append(error)

    threads = [threading.Thread(target=write_and_read, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get_many([f"thread:{number}" for number in range(4)]) == {f"thread:{n}": 49 for n in range(4)}
