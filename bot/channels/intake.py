"""The durable intake every messenger shares: store, acknowledge, then process in order.

A channel's webhook (or poller) calls ``ChannelIntake.store``: the updates are committed
(``storage/intake.py``; concurrent requests share one commit, ``bot/channels/commits.py``)
and only then may the platform be told they arrived: 200, or 503 when the store failed
(``IntakeUnavailable``) so that the platform delivers them again. A re-delivery is
recognised by the platform's update key and ignored.

Updates this process stored, leased to it in the same insert, go straight to its workers
in memory, one lane per chat (in order; never two workers on one chat). Everything else
(retries, albums, what a stopped process left) ``Worker`` claims from the store. A failure
puts the update back for a retry after ``RETRY_SECONDS``; after ``MAX_ATTEMPTS`` it is
marked failed with its error (``huebot ops failed-updates``), its sender gets an apology
(``bot/channels/gave_up.py``) and the chat's next update goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.channels.commits import GroupCommit
from bot.channels.lanes import Lanes
from bot.core.waiting import wait_event
from bot.leases import holder_name
from storage.db import Database
from storage.intake import Arrival, Claimed, Stored, fitted
from storage.store import Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_SECONDS = (1.0, 2.0)  # after the first and the second failure
LEASE = timedelta(minutes=5)
KEEP_DONE = timedelta(days=2)  # platforms give up re-delivering within a day

Process = Callable[[list[Claimed]], Awaitable[None]]
GiveUp = Callable[[str | None], Awaitable[None]]
OnStored = Callable[[Store, list[Stored]], Awaitable[None]]
Read = Callable[[dict[str, Any]], Arrival]


def retry_delay(attempts: int) -> float:
    """Seconds before the next try of an update that failed ``attempts`` times."""
    return RETRY_SECONDS[min(attempts, len(RETRY_SECONDS)) - 1] if attempts > 0 else 0.0


def describe(exc: BaseException) -> str:
    """An error as the operators see it: its type and where it came from, no content."""
    cause = exc.__cause__ or exc.__context__
    origin = getattr(exc, "orig", None) or cause
    name = type(exc).__name__
    return f"{name} ({type(origin).__name__})" if origin is not None else name


class IntakeUnavailable(Exception):
    """The updates could not be stored; the platform must deliver them again."""


class ChannelIntake:
    """One channel's updates: stored, handed to workers, finished or retried."""

    def __init__(
        self, database: Database, channel: str, clock: Callable[[], datetime], *,
        album_wait: timedelta = timedelta(0), gave_up: GiveUp | None = None,
        holder: str | None = None, on_stored: OnStored | None = None, read: Read | None = None,
    ) -> None:  # fmt: skip
        self._db, self.channel, self._clock, self._read = database, channel, clock, read
        self._album_wait, self._gave_up, self._on_stored = album_wait, gave_up, on_stored
        self.holder = holder or holder_name()
        self.commits = GroupCommit(database)
        self.lanes = Lanes()
        self.hand_over = False  # True once workers run here (set by ``Worker.run``)
        self._look = True  # the store may hold work that is not in the lanes
        self._waiting: set[str] = set()  # chats with stored updates not in the lanes
        self._in_hand: set[int] = set()  # ids taken from the lanes, not finished yet
        self._storing, self._drops = 0, 0  # stores under way; lanes dropped so far
        self._dropped: dict[str, int] = {}  # chat -> when its lane was dropped
        self._arrived = asyncio.Event()

    async def store(self, arrivals: Sequence[Arrival]) -> list[Stored]:
        """Commit updates (re-deliveries are ignored) and hand the new ones to the workers.

        Raises:
            IntakeUnavailable: Nothing was stored.
        """
        mark = self._drops
        self._storing += 1
        try:
            stored = await self.commits.run_merged(self._add, list(arrivals))
        except Exception as exc:
            keys = [arrival.update_key for arrival in arrivals]
            log.warning("%s updates %s not stored: %s", self.channel, keys, type(exc).__name__)
            raise IntakeUnavailable(type(exc).__name__) from exc
        finally:
            self._storing -= 1
        late = [one.claimed for one in stored if one.claimed and self._dropped_since(one, mark)]
        for one in stored:
            if one.claimed is not None and one.claimed not in late:
                self.lanes.add(one.claimed)
            elif one.fresh:
                self._look = True
                self._waiting.add(one.arrival.chat_key or "")
            else:
                log.info("%s update %s delivered again, ignored", self.channel,
                         one.arrival.update_key)  # fmt: skip
        if late:  # their chat failed meanwhile: the store decides their turn
            await self._unlease(late)
        if not self._storing:
            self._dropped.clear()
        self._arrived.set()
        return stored

    def _dropped_since(self, one: Stored, mark: int) -> bool:
        return self._dropped.get(one.arrival.chat_key or "", -1) >= mark

    async def _unlease(self, items: list[Claimed]) -> None:
        ids = [item.id for item in items]
        try:
            await self.commits.run(lambda store: store.intake.unlease(ids))
        except Exception as exc:  # the lease runs out by itself
            log.warning("%s updates not handed back: %s", self.channel, type(exc).__name__)

    async def store_raw(self, raws: Sequence[dict[str, Any]]) -> int:
        """Store raw platform updates read with the channel's ``read``; how many were new.

        Raises:
            IntakeUnavailable: Nothing was stored.
        """
        assert self._read is not None, "this intake reads no raw updates"
        stored = await self.store([self._read(raw) for raw in raws])
        return sum(one.fresh for one in stored)

    async def _add(self, store: Store, arrivals: list[Arrival]) -> list[Stored]:
        """Store the arrivals of every request in this commit (one insert); what became
        of each, in order: a second copy of an update key is not fresh."""
        holder = self.holder if self.hand_over else None
        stored = await store.intake.add(
            self.channel, arrivals, self._clock(), holder=holder, lease=LEASE,
            held=self.lanes.chats(),
        )  # fmt: skip
        if self._on_stored is not None:
            await self._on_stored(store, stored)
        first = {one.arrival.update_key: one for one in stored}
        return [first.pop(a.update_key, Stored(a, False)) for a in map(fitted, arrivals)]

    async def _finish(self, store: Store, ids: list[int]) -> list[None]:
        await store.intake.finish(ids, self._clock())
        return [None] * len(ids)

    def wake(self) -> None:
        """Tell idle workers to look again, in the store too (retries due, or time to stop)."""
        self._look = True
        self._arrived.set()

    async def idle(self, seconds: float) -> None:
        """Wait for new updates, at most ``seconds`` (then look in the store again)."""
        if not await wait_event(self._arrived, seconds):
            self._look = True
        self._arrived.clear()

    async def next_batch(self) -> list[Claimed]:
        """The next work: an update handed over in memory, else a batch from the store."""
        item = self.lanes.take()
        if item is not None:
            self._in_hand.add(item.id)
            return [item]
        if not self._look:
            return []
        self._look = False
        async with self._db.unit_of_work() as store:
            batch = await store.intake.claim(
                self.channel, self._clock(), LEASE, self.holder, self._album_wait
            )
        self._look = self._look or bool(batch)
        return batch

    async def finish(self, batch: list[Claimed]) -> None:
        """Mark a batch processed (in a commit shared with other updates)."""
        ids = [item.id for item in batch]
        try:
            await self.commits.run_merged(self._finish, ids)
        finally:
            self._release(batch)

    def _release(self, batch: list[Claimed]) -> None:
        """After a batch: free its lane, and look in the store when it may hold more."""
        first = batch[0]
        if first.id in self._in_hand:
            self._in_hand.discard(first.id)
            self.lanes.done(first)
            if (first.chat_key or "") not in self._waiting:
                return
            self._waiting.discard(first.chat_key or "")
        self._look = True
        self.wake()

    async def retry_later(self, batch: list[Claimed], error: str) -> None:
        """Put a failed batch back for a retry; give up after MAX_ATTEMPTS.

        The chat's later updates held in memory go back to the store too, so they wait
        for this one. A given-up batch is kept, failed, with ``error``; its sender gets
        an apology.
        """
        attempts = max(item.attempts for item in batch)
        give_up = attempts >= MAX_ATTEMPTS
        at = self._clock() + timedelta(seconds=retry_delay(attempts))
        ids, later = [item.id for item in batch], []
        if batch[0].id in self._in_hand:
            self._in_hand.discard(batch[0].id)
            later = self.lanes.drop(batch[0])
            self._dropped[batch[0].chat_key or ""] = self._drops
            self._drops += 1
        async with self._db.unit_of_work() as store:
            await store.intake.retry_later(ids, at, give_up, error)
            if later:
                await store.intake.unlease([item.id for item in later])
        self._look = True
        keys = [item.update_key for item in batch]
        if give_up:
            log.error("%s updates %s failed %d times (%s); given up", self.channel, keys,
                      attempts, error)  # fmt: skip
            if self._gave_up is not None:
                await self._gave_up(batch[0].chat_key)
        self.wake()

    async def release_held(self) -> None:
        """Hand back what the lanes still hold (at stop), for the next process."""
        self.hand_over = False
        left = self.lanes.drain()
        if left:
            async with self._db.unit_of_work() as store:
                await store.intake.unlease([item.id for item in left])

    async def prune(self) -> None:
        """Forget updates finished more than ``KEEP_DONE`` ago."""
        async with self._db.unit_of_work() as store:
            pruned = await store.intake.prune(self.channel, self._clock() - KEEP_DONE)
        log.info("%s: pruned %d old updates", self.channel, pruned)


class Worker:
    """Drains the intake: take, process, finish; never lets an error end the loop."""

    def __init__(
        self, intake: ChannelIntake, process: Process, stopping: asyncio.Event,
        tick: float = 1.0,
    ) -> None:  # fmt: skip
        self._intake, self._process, self._stopping, self._tick = intake, process, stopping, tick

    async def run(self) -> None:
        """Process updates until ``stopping`` is set (the update in hand is finished first)."""
        self._intake.hand_over = True
        while not self._stopping.is_set():
            try:
                busy = await self.step()
            except Exception as exc:  # the store is down: wait and try again
                log.warning("%s worker: %s", self._intake.channel, type(exc).__name__)
                busy = False
            if not busy and not self._stopping.is_set():
                await self._intake.idle(self._tick)

    async def step(self) -> bool:
        """Process one batch; False when nothing was ready."""
        batch = await self._intake.next_batch()
        if not batch:
            return False
        keys = [item.update_key for item in batch]
        try:
            await self._process(batch)
        except Exception as exc:
            channel = self._intake.channel
            log.warning("%s updates %s failed: %s", channel, keys, type(exc).__name__)
            log.debug("%s updates %s failed", channel, keys, exc_info=True)  # may hold content
            await self._intake.retry_later(batch, describe(exc))
        else:
            await self._intake.finish(batch)
        return True
