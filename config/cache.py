"""Django's Redis cache backend, keeping one redis-py client per connection pool, and failing
fast while Redis is down.

Django builds a new `redis.Redis` client for every cache call; with redis-py 5+ each one sets up
its response-callback table, about 0.1 ms of CPU, paid by every session read, rate-limit check
and page-cache lookup. A client over a connection pool is thread-safe and survives a fork (the
pool notices the new process id), so one per pool is enough.

Every caller already survives a cache error (sessions fall back to the database, rate limits fail
open, the page cache is skipped), but a Redis that hangs rather than refuses (a failover, a
half-open connection) costs each call its socket timeout: two or three per page. After a failure
the cache is therefore not asked again for CACHE_RETRY_SECONDS (per process and server): calls
raise CacheUnavailable at once, and pages answer at their uncached speed.
"""

import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Monotonic time before which a server (by its location) is taken to be down.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class CacheUnavailable(RedisConnectionError):
    """Redis failed moments ago; not asked again yet."""


def reset_cache_breaker() -> None:
    """Forget past failures (tests, and nothing else, need this)."""
    _down_until.clear()


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, servers, *args, **kwargs):
        super().__init__(servers, *args, **kwargs)
        self._clients = {}
        self._scripts = {}
        self._location = ",".join(servers)

    def run_script(self, source: str, keys: list[str], args: list):
        """Run a Lua script on the primary: one EVALSHA (EVAL the first time on a server).
        Keys are final Redis keys (cache.make_and_validate_key); arguments are not pickled."""
        client = self.get_client(write=True)
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = client.register_script(source)
        return script(keys=keys, args=args, client=client)

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


def _guarded(name: str):
    unguarded = getattr(RedisCacheClient, name)

    def call(self, *args, **kwargs):
        if time.monotonic() < _down_until.get(self._location, 0.0):
            raise CacheUnavailable(f"{self._location} failed moments ago")
        try:
            return unguarded(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):  # down or hung, not a bad command
            with _lock:
                _down_until[self._location] = time.monotonic() + settings.CACHE_RETRY_SECONDS
            raise

    call.__name__ = name
    return call


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
    "run_script",
):
    setattr(RedisCacheClient, _name, _guarded(_name))


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
