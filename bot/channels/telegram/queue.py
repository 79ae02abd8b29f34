"""The durable intake: updates are stored first, acknowledged, then processed in order.

Webhook and polling share this path. ``UpdateQueue.store`` commits raw updates (an
idempotent insert keyed by bot and update id) and only then may Telegram be told
they arrived: the webhook answers 200 (503 if the insert failed) and polling moves
its offset past them. ``Worker`` tasks claim stored updates (one chat at a time, in
order; an album once it has settled), process them, and mark them done. A failure
leaves the update pending for a quick retry (``RETRY_SECONDS``); after ``MAX_ATTEMPTS``
it is marked failed with its error (``huebot ops failed-updates`` lists them), its
sender gets an apology with the hotline, and the chat's next update goes on: one bad
update holds a chat for seconds, not minutes. On start the workers simply find what an
earlier process left pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.channels import buttons as buttons_kit
from bot.channels.telegram.parse import queue_keys
from bot.leases import holder_name
from handlers import Channel
from storage.db import Database
from storage.telegram import QueuedUpdate

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_SECONDS = (1.0, 2.0)  # after the first and the second failure
LEASE = timedelta(minutes=5)
KEEP_DONE = timedelta(days=2)  # Telegram gives up re-delivering after 24 hours

Process = Callable[[list[QueuedUpdate]], Awaitable[None]]
GiveUp = Callable[[str | None], Awaitable[None]]


def retry_delay(attempts: int) -> float:
    """Seconds before the next try of an update that failed ``attempts`` times."""
    return RETRY_SECONDS[min(attempts, len(RETRY_SECONDS)) - 1] if attempts > 0 else 0.0


def describe(exc: BaseException) -> str:
    """An error as the operators see it: its type and where it came from, no content."""
    cause = exc.__cause__ or exc.__context__
    origin = getattr(exc, "orig", None) or cause
    name = type(exc).__name__
    return f"{name} ({type(origin).__name__})" if origin is not None else name


class QueueUnavailable(Exception):
    """The updates could not be stored; Telegram must deliver them again."""


class UpdateQueue:
    """Raw Telegram updates in the store, waiting for a worker."""

    def __init__(
        self,
        database: Database,
        bot_id: int,
        clock: Callable[[], datetime],
        album_wait: timedelta,
        gave_up: GiveUp | None = None,
        holder: str | None = None,
    ) -> None:
        self._db, self._bot_id, self._clock, self._album_wait = database, bot_id, clock, album_wait
        self._gave_up, self.holder = gave_up, holder or holder_name()
        self._arrived = asyncio.Event()

    async def store(self, raws: Sequence[dict[str, Any]]) -> int:
        """Commit updates (re-deliveries are ignored); return how many were new.

        Raises:
            QueueUnavailable: Nothing was stored.
        """
        now = self._clock()
        try:
            added = 0
            async with self._db.unit_of_work() as store:
                for raw in raws:
                    key, group = queue_keys(raw)
                    update_id = int(raw["update_id"])
                    fresh = await store.telegram_updates.add(
                        self._bot_id, update_id, raw, now, key, group
                    )
                    added += fresh
                    if not fresh:
                        log.info("telegram update %s delivered again, ignored", update_id)
        except Exception as exc:
            ids = [raw.get("update_id") for raw in raws]
            log.warning("telegram updates %s not stored: %s", ids, type(exc).__name__)
            raise QueueUnavailable(type(exc).__name__) from exc
        self.wake()
        return added

    def wake(self) -> None:
        """Tell idle workers to look again."""
        self._arrived.set()

    async def idle(self, seconds: float) -> None:
        """Wait for new updates, at most ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), seconds)
        self._arrived.clear()

    async def claim(self) -> list[QueuedUpdate]:
        """The next batch to process (one update, or one album), leased to the caller."""
        async with self._db.unit_of_work() as store:
            return await store.telegram_updates.claim(
                self._bot_id, self._clock(), LEASE, self._album_wait, self.holder
            )

    async def finish(self, batch: list[QueuedUpdate]) -> None:
        """Mark a batch processed."""
        async with self._db.unit_of_work() as store:
            ids = [item.update_id for item in batch]
            await store.telegram_updates.finish(self._bot_id, ids, self._clock())

    async def retry_later(self, batch: list[QueuedUpdate], error: str) -> None:
        """Put a failed batch back for a quick retry; give up after MAX_ATTEMPTS.

        A given-up batch is kept, failed, with ``error``; its sender gets an apology.
        """
        attempts = max(item.attempts for item in batch)
        give_up = attempts >= MAX_ATTEMPTS
        at = self._clock() + timedelta(seconds=retry_delay(attempts))
        ids = [item.update_id for item in batch]
        async with self._db.unit_of_work() as store:
            await store.telegram_updates.retry_later(self._bot_id, ids, at, give_up, error)
        if give_up:
            log.error("telegram updates %s failed %d times (%s); given up", ids, attempts, error)
            if self._gave_up is not None:
                await self._gave_up(queue_keys(batch[0].payload)[0])
        self.wake()

    async def prune(self) -> None:
        """Forget finished updates and old button tokens."""
        now = self._clock()
        async with self._db.unit_of_work() as store:
            updates = await store.telegram_updates.prune(self._bot_id, now - KEEP_DONE)
            buttons = await store.buttons.prune(Channel.TELEGRAM, now - buttons_kit.KEEP)
        log.info("telegram: pruned %d old updates and %d button tokens", updates, buttons)


class Worker:
    """Drains the queue: claim, process, finish; never lets an error end the loop."""

    def __init__(
        self, queue: UpdateQueue, process: Process, stopping: asyncio.Event, tick: float = 1.0
    ) -> None:
        self._queue, self._process, self._stopping, self._tick = queue, process, stopping, tick

    async def run(self) -> None:
        """Process updates until ``stopping`` is set (the current batch is finished first)."""
        while not self._stopping.is_set():
            try:
                busy = await self.step()
            except Exception as exc:  # the store is down: wait and try again
                log.warning("telegram worker: %s", type(exc).__name__)
                busy = False
            if not busy and not self._stopping.is_set():
                await self._queue.idle(self._tick)

    async def step(self) -> bool:
        """Process one batch; False when nothing was ready."""
        batch = await self._queue.claim()
        if not batch:
            return False
        ids = [item.update_id for item in batch]
        try:
            await self._process(batch)
        except Exception as exc:
            log.warning("telegram updates %s failed: %s", ids, type(exc).__name__)
            log.debug("telegram updates %s failed", ids, exc_info=True)  # may hold content
            await self._queue.retry_later(batch, describe(exc))
        else:
            await self._queue.finish(batch)
        return True
