"""Django's Redis cache backend, with one redis-py client per connection pool instead of one per
operation.

Django's RedisCacheClient.get_client() constructs a new `redis.Redis` for every get, set or delete.
redis-py fills each new client's table of response callbacks (some 170 entries) in its
constructor, which cost a page rendered afresh about a millisecond of its dozen cache operations.
A client holds no connection of its own (it takes one from the pool for each command), so one
client per pool serves every thread, as the pool does.
"""

from __future__ import annotations

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Two threads may both build one the first time; either is as good as the other.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
