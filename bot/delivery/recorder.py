"""Recording delivery results with group commit: one transaction for all that finished.

Results queue up in memory while a write is in progress and go together in the next
one, so the store keeps up at a thousand messages a second while each result is
committed within one short transaction of its send. A message counts as "in flight"
from the moment it is handed to the messenger until its result is committed: only
those can be sent twice after a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.senders import Outcome, Result
from bot.delivery.settings import DeliveryConfig
from storage.db import Database
from storage.delivery import Claimed, DeliveryQueue

log = logging.getLogger(__name__)

RETRY_WRITE_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Finished:
    """A row and what became of it."""

    item: Claimed
    result: Result


class Recorder:
    """Writes results to the outbox, batching whatever arrives during a write."""

    def __init__(
        self, database: Database, config: DeliveryConfig, clock: Callable[[], datetime]
    ) -> None:
        self._db, self._config, self._clock = database, config, clock
        self._queue: list[Finished] = []
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self.written = 0

    def add(self, item: Claimed, result: Result) -> None:
        """Queue a result for the next write."""
        self._queue.append(Finished(item, result))
        self._wake.set()

    @property
    def backlog(self) -> int:
        """Results not yet committed."""
        return len(self._queue)

    async def run(self) -> None:
        """Write results as they come, until cancelled."""
        while True:
            await self._wake.wait()
            await asyncio.sleep(self._config.record_seconds)  # let a batch gather
            self._wake.clear()
            try:
                await self.flush()
            except Exception as exc:  # the store is down: keep the results, try again
                log.warning("delivery results not recorded: %s", type(exc).__name__)
                await asyncio.sleep(RETRY_WRITE_SECONDS)
                self._wake.set()

    async def flush(self) -> None:
        """Write everything queued now (in one transaction)."""
        async with self._lock:
            batch, self._queue = self._queue, []
            if not batch:
                return
            try:
                await self._write(batch)
            except BaseException:
                self._queue[:0] = batch
                raise
            self.written += len(batch)

    async def _write(self, batch: list[Finished]) -> None:
        now = self._clock()
        async with self._db.unit_of_work() as store:
            sent = [f.item.id for f in batch if f.result.outcome is Outcome.SENT]
            await store.delivery.mark_sent(sent, now)
            for finished in batch:
                if finished.result.outcome is not Outcome.SENT:
                    await self._record_problem(store.delivery, finished, now)

    async def _record_problem(
        self, queue: DeliveryQueue, finished: Finished, now: datetime
    ) -> None:
        item, result = finished.item, finished.result
        error = result.error or result.outcome.value
        if result.outcome is Outcome.BLOCKED:
            dropped = await queue.block(item.id)
            log.info(
                "outbox %s: user %s blocked the bot (%d dropped)", item.id, item.user_id, dropped
            )
        elif result.outcome is Outcome.FAILED or item.attempts + 1 >= self._config.max_attempts:
            await queue.fail(item.id, error, result.parts_done)
            log.warning("outbox %s failed after %d attempt(s)", item.id, item.attempts + 1)
        else:
            later = now + timedelta(seconds=self.backoff(item.attempts))
            await queue.reschedule(item.id, later, error, result.parts_done)

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try: doubling from ``backoff_seconds``, capped."""
        config = self._config
        return float(min(config.backoff_max_seconds, config.backoff_seconds * 2**attempts))
