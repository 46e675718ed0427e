"""One log line per outage, not one per request: a dependency that fails is logged at its first
failure in this process and once more when it answers again (sessions, rate limits)."""

import logging
import threading


class OutageLog:
    every: list["OutageLog"] = []  # so tests can start each case as a fresh process would

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self.logger = logger
        self.what = what
        self.down = False
        self._lock = threading.Lock()
        OutageLog.every.append(self)

    @classmethod
    def forget_all(cls) -> None:
        for log in cls.every:
            log.down = False

    def failed(self, error: Exception, meanwhile: str) -> None:
        """Log the first failure of an outage; later ones until recovery say nothing."""
        with self._lock:
            if self.down:
                return
            self.down = True
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        self.logger.warning(
            "%s unavailable (%s: %s); %s until it is back", self.what, type(error).__name__, detail, meanwhile
        )

    def answered(self) -> None:
        """Log the end of an outage (free when there was none)."""
        if not self.down:  # the common case: no lock
            return
        with self._lock:
            if not self.down:
                return
            self.down = False
        self.logger.warning("%s is back", self.what)
