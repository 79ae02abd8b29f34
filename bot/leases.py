"""This process's lease holder name, its heartbeat, and taking back dead holders' leases.

A holder name is ``HOST-PID-RANDOM``, one per process: the intake queues mark the
updates they claim with it and the delivery worker the outbox rows. ``Heartbeat`` beats
every ``beat_seconds``; at start and at every beat it hands back the rows of holders
that are gone: those whose beat stopped more than ``dead_after`` ago, and, on this very
host, those whose process no longer exists (a ``kill -9`` is seen at the next start at
once, not after a lease of 30 s or 5 minutes runs out).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.waiting import end_tasks
from storage.db import Database

log = logging.getLogger(__name__)

BEAT_SECONDS = 2.0
DEAD_AFTER = timedelta(seconds=10)
STOP_GRACE = 10.0  # seconds stop waits for the beat to end and the leases to go back
_names: dict[int, str] = {}


def _host() -> str:
    return socket.gethostname()[:16].replace("-", "_")


def holder_name() -> str:
    """This process's holder name (a new one after a fork)."""
    pid = os.getpid()
    if pid not in _names:
        _names[pid] = f"{_host()}-{pid}-{uuid.uuid4().hex[:8]}"
    return _names[pid]


def gone_from_here(holder: str) -> bool:
    """Whether ``holder`` was a process of this host that no longer runs."""
    parts = holder.rsplit("-", 2)
    if len(parts) != 3 or parts[0] != _host() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return holder != holder_name()  # an earlier life of this pid (a restarted container)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's live process
        return False
    return False


class Heartbeat:
    """Beats for this process and takes back the leases of dead ones."""

    def __init__(
        self, database: Database, clock: Callable[[], datetime], *,
        beat_seconds: float = BEAT_SECONDS, dead_after: timedelta = DEAD_AFTER,
    ) -> None:  # fmt: skip
        self.holder = holder_name()
        self._db, self._clock = database, clock
        self._beat_seconds, self._dead_after = beat_seconds, dead_after
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Beat and reclaim once now, then keep beating in the background."""
        with contextlib.suppress(Exception):  # the store may be down: the loop retries
            await self.beat()
        self._task = asyncio.create_task(self._loop(), name="heartbeat")

    async def stop(self) -> None:
        """Stop beating, hand back what this process still holds, remove its heartbeat.

        Called once the workers have stopped: queued updates and outbox rows this
        process claimed but did not finish go back to the queue at once, for the other
        processes (or the next start), instead of waiting for their leases to run out.
        """
        if self._task is not None:
            await end_tasks([self._task], "heartbeat", STOP_GRACE)
        try:
            async with asyncio.timeout(STOP_GRACE):
                async with self._db.unit_of_work() as store:
                    released = await store.leases.release([self.holder])
                    await store.leases.forget([self.holder])
        except Exception as exc:  # the store is down or slow: the leases then run out
            log.warning("leases not handed back at stop: %s", type(exc).__name__)
            return
        if any(released.values()):
            log.info("leases handed back at stop: %s", released)

    async def beat(self) -> dict[str, int]:
        """Say this process is alive; hand back dead holders' rows (how many, per queue)."""
        now = self._clock()
        async with self._db.unit_of_work() as store:
            await store.leases.beat(self.holder, now)
            seen = await store.leases.holders()
            dead = [h for h, at in seen.items() if h != self.holder and self._dead(h, at, now)]
            alive = [h for h in seen if h not in dead]
            released = await store.leases.release_except(alive)
            await store.leases.forget(dead)
        if any(released.values()):
            log.info("leases of gone processes taken back: %s", released)
        return released

    def _dead(self, holder: str, seen_at: datetime, now: datetime) -> bool:
        return seen_at < now - self._dead_after or gone_from_here(holder)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._beat_seconds)
            try:
                await self.beat()
            except Exception as exc:  # the store may be down for a while
                log.warning("heartbeat: %s", type(exc).__name__)
