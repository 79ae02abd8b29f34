"""The durable intake: signed events are stored first, acknowledged, then processed in order.

``EventQueue.store`` commits an event (an idempotent insert keyed by ``msg_id``) and,
for a citizen's message, opens their reply window, in one transaction; only then does
the webhook answer 200 (503 if the insert failed, and Zalo delivers it again). ``Worker``
tasks claim stored events one citizen at a time, in order, process them and mark them
done. A failure leaves the event pending for a quick retry; after ``MAX_ATTEMPTS`` it is
marked failed with its error (``huebot ops failed-updates``), the citizen gets an apology
with the hotline, and their next event goes on: one bad event holds a citizen for
seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.channels import buttons as buttons_kit
from bot.channels.telegram.queue import GiveUp, describe, retry_delay
from bot.channels.zalo.parse import Kind, ZaloInput
from bot.leases import holder_name
from handlers import Channel
from storage.db import Database
from storage.zalo import QueuedEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=5)
KEEP_DONE = timedelta(days=2)  # far longer than the webhook accepts an event's age

Process = Callable[[QueuedEvent], Awaitable[None]]


class QueueUnavailable(Exception):
    """The event could not be stored; Zalo must deliver it again."""


class EventQueue:
    """Zalo events in the store, waiting for a worker."""

    def __init__(
        self, database: Database, clock: Callable[[], datetime], gave_up: GiveUp | None = None,
        holder: str | None = None,
    ) -> None:  # fmt: skip
        self._db, self._clock, self._gave_up = database, clock, gave_up
        self.holder = holder or holder_name()
        self._arrived = asyncio.Event()

    async def store(self, raw: dict[str, Any], read: ZaloInput) -> bool:
        """Commit an event; False when it was stored before (a re-delivery or a replay).

        Raises:
            QueueUnavailable: Nothing was stored.
        """
        now = self._clock()
        sent_at = min(read.sent_at or now, now)
        try:
            async with self._db.unit_of_work() as store:
                fresh = await store.zalo_events.add(
                    read.key, read.user_key, read.event[:40], raw, sent_at, now
                )
                if fresh and read.kind is Kind.MESSAGE:
                    await store.zalo_windows.touch(read.user_key, sent_at)
        except Exception as exc:
            log.warning("zalo event %s not stored: %s", read.key, type(exc).__name__)
            raise QueueUnavailable(type(exc).__name__) from exc
        if fresh:
            self._arrived.set()
        else:
            log.info("zalo event %s delivered again, ignored", read.key)
        return fresh

    def wake(self) -> None:
        """Tell idle workers to look again (new events, or time to stop)."""
        self._arrived.set()

    async def idle(self, seconds: float) -> None:
        """Wait for new events, at most ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), seconds)
        self._arrived.clear()

    async def claim(self) -> QueuedEvent | None:
        """The next event to process, leased to the caller."""
        async with self._db.unit_of_work() as store:
            return await store.zalo_events.claim(self._clock(), LEASE, self.holder)

    async def finish(self, event: QueuedEvent) -> None:
        """Mark an event processed."""
        async with self._db.unit_of_work() as store:
            await store.zalo_events.finish(event.id, self._clock())

    async def retry_later(self, event: QueuedEvent, error: str) -> None:
        """Put a failed event back for a quick retry; give up after MAX_ATTEMPTS.

        A given-up event is kept, failed, with ``error``; its sender gets an apology.
        """
        give_up = event.attempts >= MAX_ATTEMPTS
        at = self._clock() + timedelta(seconds=retry_delay(event.attempts))
        async with self._db.unit_of_work() as store:
            await store.zalo_events.retry_later(event.id, at, give_up, error)
        if give_up:
            log.error("zalo event %s failed %d times (%s); given up", event.event_key,
                      event.attempts, error)  # fmt: skip
            if self._gave_up is not None:
                await self._gave_up(event.user_key)
        self.wake()

    async def prune(self) -> None:
        """Forget finished events and old button texts."""
        now = self._clock()
        async with self._db.unit_of_work() as store:
            events = await store.zalo_events.prune(now - KEEP_DONE)
            buttons = await store.buttons.prune(Channel.ZALO, now - buttons_kit.KEEP)
        log.info("zalo: pruned %d old events and %d button texts", events, buttons)


class Worker:
    """Drains the queue: claim, process, finish; never lets an error end the loop.

    ``stopping`` ends the loop between two events, so a stop never cuts a transaction.
    """

    def __init__(
        self, queue: EventQueue, process: Process, stopping: asyncio.Event, tick: float = 1.0
    ) -> None:
        self._queue, self._process, self._tick = queue, process, tick
        self._stopping = stopping

    async def run(self) -> None:
        """Process events until ``stopping`` is set (or cancelled)."""
        while not self._stopping.is_set():
            try:
                busy = await self.step()
            except Exception as exc:  # the store is down: wait and try again
                log.warning("zalo worker: %s", type(exc).__name__)
                busy = False
            if not busy:
                await self._queue.idle(self._tick)

    async def step(self) -> bool:
        """Process one event; False when nothing was ready."""
        event = await self._queue.claim()
        if event is None:
            return False
        try:
            await self._process(event)
        except Exception as exc:
            log.warning("zalo event %s failed: %s", event.event_key, type(exc).__name__)
            log.debug("zalo event %s failed", event.event_key, exc_info=True)  # may hold content
            await self._queue.retry_later(event, describe(exc))
        else:
            await self._queue.finish(event)
        return True
