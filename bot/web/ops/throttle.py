"""Sign-in throttling for /ops: failures counted per address and per typed code.

After ``limit`` failures of one key (an address, a typed code) within ``lock`` of each
other, the key is locked for ``lock``: every sign-in from it is answered 429 with
Retry-After, even a right one. The lock of each user's own sign-ins (their live codes
voided after enough failures) is kept in the store (``OpsAccess.count_failure``), so
it holds across processes. Log lines name a short hash of the key, never the address
or the code itself.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

log = logging.getLogger(__name__)

MAX_KEYS = 10_000


def tag(key: str) -> str:
    """A short hash that tells keys apart in a log without showing them."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


class LoginThrottle:
    """Failures and locks per key, in this process's memory (bounded)."""

    def __init__(
        self, clock: Callable[[], datetime], limits: dict[str, int], lock: timedelta
    ) -> None:
        self._clock, self._limits, self._lock = clock, limits, lock
        self._failures: dict[str, list[datetime]] = {}
        self._locked: dict[str, datetime] = {}

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Seconds until every one of ``keys`` is free again, or None when none is locked."""
        now = self._clock()
        waits = [(until - now).total_seconds() for k in keys if (until := self._locked.get(k))]
        waits = [w for w in waits if w > 0]
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, keys: Iterable[str]) -> None:
        """Count a failed sign-in against each key; lock the keys that reached their limit."""
        now = self._clock()
        for key in keys:
            recent = [t for t in self._failures.get(key, []) if t > now - self._lock]
            recent.append(now)
            self._failures[key] = recent
            if len(recent) >= self._limits[key.split(":", 1)[0]]:
                self._locked[key] = now + self._lock
                log.warning(
                    "ops sign-in locked for %s %s after %d failures (%d s)",
                    key.split(":", 1)[0], tag(key), len(recent), self._lock.total_seconds(),
                )  # fmt: skip
        self._prune(now)

    def _prune(self, now: datetime) -> None:
        if len(self._failures) <= MAX_KEYS:
            return
        self._locked = {k: u for k, u in self._locked.items() if u > now}
        self._failures = {
            k: ts for k, ts in self._failures.items() if ts[-1] > now - self._lock
        } if len(self._failures) <= 2 * MAX_KEYS else {}  # fmt: skip
