"""Sessions read through Redis and kept in the database, that keep working when Redis is down.

Django's cached_db store already survives a failed cache read or write on save, but not the
cache write after a database read, the cache lookup in exists(), or the cache delete on log-out:
with Redis stopped every signed-in page was a 500. Here each cache call that fails falls back to
the database, which holds every session anyway.

An outage is logged once per process: one line at the first failure and one when the cache
answers again, not a traceback per signed-in request.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from config.outages import OutageLog

logger = logging.getLogger("django.contrib.sessions")

_outage = OutageLog(logger, "session cache")


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception as error:  # noqa: BLE001 - the cache is optional here
            _outage.failed(error, "sessions are read from the database")
            data = None
        else:
            _outage.answered()
        if data is not None:
            return data
        session = self._get_session_from_db()
        if not session:
            return {}
        data = self.decode(session.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
        except Exception as error:  # noqa: BLE001
            _outage.failed(error, "sessions are read from the database")
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception as error:  # noqa: BLE001
            _outage.failed(error, "sessions are checked in the database only")
        return super(CachedDBStore, self).exists(session_key)

    def delete(self, session_key=None):
        try:
            super().delete(session_key)
        except Exception as error:  # noqa: BLE001
            # The database row is gone (deleted first), so the session is over for every reader
            # that misses the cache. A copy left in Redis would outlive it until it expires, so
            # say so loudly.
            logger.error("session deleted from the database but not from the cache: %r", error)
