"""Send web reads to an optional read replica; writes, jobs and read-your-own-writes use the primary.

With DATABASE_REPLICA_URL unset there is one database and this router always answers "default".
With it set, reads go to "replica" only inside a request that `PinPrimaryAfterWriteMiddleware`
has marked as replica-safe: a GET/HEAD (feed, product and profile pages and API reads) from a
client that has not written in the last few seconds. Unsafe requests, the requests right after
them (so a person sees their own vote or post at once, whatever the replica's lag), Celery tasks
and management commands all read from the primary.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)

REPLICA = "replica"
PRIMARY = "default"


def replica_enabled() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reads_from_replica(allowed: bool = True) -> Iterator[None]:
    token = _reads_from_replica.set(allowed and replica_enabled())
    try:
        yield
    finally:
        _reads_from_replica.reset(token)


def use_primary():
    """Force fresh reads for a block, inside a replica-safe request."""
    return reads_from_replica(False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _reads_from_replica.get():
            return PRIMARY
        # An object fetched from the primary keeps reading its relations there.
        instance = hints.get("instance")
        if instance is not None and instance._state.db == PRIMARY:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
