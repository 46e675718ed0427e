"""Health checks.

- `/healthz`, liveness: the process answers (restart it if not).
- `/readyz`, readiness, for the load balancer: this process can serve, i.e. its database
  answers. Nothing shared by every web machine is checked here: all of them share one Redis, and
  a balancer that drained every machine when Redis failed would turn a cache outage (which pages
  and writes survive) into a total one.
- `/healthz/detail`, for monitoring: the database, the replica, the cache and the broker, each
  "ok" or "error: ...", always with 200 (never point a load balancer at it). A change of state is
  logged once ("health: cache is down ..." / "health: cache is back").
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse

logger = logging.getLogger("candor.health")

# Each check's last state in this process, so a change is logged once, not at every poll.
_last: dict[str, str] = {}
_last_lock = threading.Lock()


def _error(error: BaseException) -> str:
    return f"error: {error.__class__.__name__}"


def check_database(alias: str = "default") -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return _error(error)


def check_cache() -> str:
    try:
        cache.set("healthz", "1", 5)
        return "ok" if cache.get("healthz") == "1" else "error: the cache did not keep a value"
    except Exception as error:  # noqa: BLE001 - reported, never raised
        return _error(error)


def check_broker() -> str:
    """The Celery broker takes messages: Redis answers and, under `noeviction`, is not full
    (beat then cannot enqueue anything, the rerank included). The embedded filesystem broker:
    its folder is there."""
    from config.celery_app import app

    url = app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return "ok"
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            memory = client.info("memory")
        finally:
            client.close()
    except Exception as error:  # noqa: BLE001
        return _error(error)
    limit = int(memory.get("maxmemory") or 0)
    if limit and memory.get("maxmemory_policy") == "noeviction" and int(memory.get("used_memory", 0)) >= limit:
        return "error: full (maxmemory reached under noeviction)"
    return "ok"


def record(checks: dict[str, str]) -> None:
    """Log each check whose state changed since the last time this process looked."""
    with _last_lock:
        for name, state in checks.items():
            before = _last.get(name, "ok")
            _last[name] = state
            if (state == "ok") == (before == "ok"):  # still up, or still down (however it fails)
                continue
            if state == "ok":
                logger.warning("health: %s is back", name)
            else:
                logger.warning("health: %s is down (%s)", name, state)


def liveness(request):
    return JsonResponse({"status": "ok"})


def readiness(request):
    checks = {"database": check_database()}
    record(checks)
    ready = checks["database"] == "ok"
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
    response._has_been_logged = True  # the change of state is logged (record), not every poll
    return response


def detail(request):
    started = time.monotonic()
    checks = {"database": check_database()}
    if "replica" in settings.DATABASES:
        checks["replica"] = check_database("replica")
    checks["cache"] = check_cache()
    checks["broker"] = check_broker()
    record(checks)
    return JsonResponse(
        {
            # "degraded": pages and writes still work (the cache, broker and replica are optional
            # for serving); "unavailable": the database is down.
            "status": "ok"
            if all(v == "ok" for v in checks.values())
            else ("degraded" if checks["database"] == "ok" else "unavailable"),
            "checks": checks,
            "ready": checks["database"] == "ok",
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
    )
