"""Sessions read through Redis and kept in the database, that keep working when Redis is down.

Django's cached_db store already survives a failed cache read or write on save, but not the
cache write after a database read, the cache lookup in exists(), or the cache delete on log-out:
with Redis stopped every signed-in page was a 500. Here each cache call that fails is logged and
the database, which holds every session anyway, answers alone.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - the cache is optional here
            data = None
        if data is not None:
            return data
        session = self._get_session_from_db()
        if not session:
            return {}
        data = self.decode(session.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; served from the database", exc_info=True)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; checked the database only", exc_info=True)
        return super(CachedDBStore, self).exists(session_key)

    def delete(self, session_key=None):
        try:
            super().delete(session_key)
        except Exception:  # noqa: BLE001
            # The database row is gone (deleted first), so the session is over for every reader
            # that misses the cache. A copy left in Redis would outlive it until it expires, so
            # say so loudly.
            logger.error("session deleted from the database but not from the cache", exc_info=True)
