"""One channel's pump: claim rows ahead, pace them through the channel's pacer, send, record.

A feeder keeps about ``claim_seconds`` of traffic claimed ahead (at the channel's rate),
so claiming never stalls sending. The dispatcher takes rows in claim order (priority,
then age) and takes each row's first permit from the pacer itself before it starts the
send, so sends in flight are really on the wire and stopping never waits for the pacer.
The pacer is the messenger's only one: chat replies share it and go first. A row whose
chat must wait (1 message a second per chat) is set aside until then instead of holding
up the rest. At most ``max_in_flight`` sends run at once. A 429 pauses the whole
channel and puts the row back in line; every other outcome goes to the recorder.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.channels.pacer import Pacer, Permit, Priority
from bot.core.waiting import end_tasks, wait_event
from bot.delivery.recorder import Recorder
from bot.delivery.senders import Outcome, Result, Sender
from bot.delivery.settings import DeliveryConfig
from storage.db import Database
from storage.delivery import Claimed

log = logging.getLogger(__name__)

CHAT_WAIT_SLACK = 0.05  # a chat free within this is sent now
MAX_CLAIM = 1000
ROUTINE = 5  # outbox priorities below this are urgent (handlers.notices)
FEEDER_GRACE = 5.0  # seconds a cancelled feeder gets to end (it may be in a claim)


def priority_of(item: Claimed) -> Priority:
    """Where an outbox row stands in the pacer's line: alerts and urgent notices first."""
    if item.alert_id is not None or item.priority < ROUTINE:
        return Priority.ALERT
    return Priority.ROUTINE


class Pump:
    """Delivers one channel's outbox rows."""

    def __init__(
        self, sender: Sender, pacer: Pacer, database: Database, recorder: Recorder,
        config: DeliveryConfig, worker_id: str, clock: Callable[[], datetime],
    ) -> None:  # fmt: skip
        self.channel = sender.channel
        self._sender, self._pacer, self._recorder = sender, pacer, recorder
        self._db = database
        self._config, self._worker, self._clock = config, worker_id, clock
        rate = pacer.limits.rate
        self._batch = max(1, min(MAX_CLAIM, round(rate * config.claim_seconds)))
        self._ready: deque[Claimed] = deque()
        self._later: list[tuple[float, int, Claimed]] = []
        self._order = itertools.count()
        self._held: dict[int, Claimed] = {}
        self._slots = asyncio.Semaphore(config.max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._wake, self._hungry = asyncio.Event(), asyncio.Event()

    @property
    def held(self) -> list[int]:
        """Rows claimed and not yet finished (waiting or in flight)."""
        return list(self._held)

    @property
    def busy(self) -> bool:
        """True while rows are held."""
        return bool(self._held)

    def drop(self, ids: set[int]) -> None:
        """Forget held rows that must not be sent (cancelled, expired, reclaimed)."""
        for row_id in ids:
            self._held.pop(row_id, None)

    async def run(self) -> None:
        """Claim and send until cancelled."""
        feeder = asyncio.create_task(self._feed(), name=f"delivery-feed-{self.channel}")
        try:
            await self._dispatch()
        finally:
            await end_tasks([feeder], f"delivery {self.channel}", FEEDER_GRACE)

    async def stop(self, grace: float) -> list[int]:
        """Let sends in flight finish, at most ``grace`` seconds; returns the unsent rows.

        Sends still in flight then are cancelled; their rows count as unsent.
        """
        if self._in_flight:
            _, late = await asyncio.wait(self._in_flight, timeout=grace)
            if late:
                log.warning("delivery %s: %d send(s) still in flight after %.1fs: cancelled",
                            self.channel, len(late), grace)  # fmt: skip
                await end_tasks(late, f"delivery {self.channel} sends", grace)
        return list(self._held)

    async def _feed(self) -> None:
        while True:
            if len(self._held) < self._batch and not self._pacer.paused:
                rows = await self._claim(self._batch * 2 - len(self._held))
                if rows:
                    self._ready.extend(rows)
                    for row in rows:
                        self._held[row.id] = row
                    self._wake.set()
                    continue
                await asyncio.sleep(self._config.poll_seconds)  # nothing due: do not spin
            self._hungry.clear()
            await wait_event(self._hungry, self._config.poll_seconds)

    async def _claim(self, limit: int) -> list[Claimed]:
        now = self._clock()
        until = now + timedelta(seconds=self._config.lease_seconds)
        try:
            async with self._db.unit_of_work() as store:
                return await store.delivery.claim(self.channel, self._worker, now, until, limit)
        except Exception as exc:  # the store is down: try again on the next poll
            log.warning("delivery %s: claim failed: %s", self.channel, type(exc).__name__)
            return []

    async def _dispatch(self) -> None:
        while True:
            await self._slots.acquire()
            item, permit = await self._next()
            task = asyncio.create_task(
                self._send(item, permit), name=f"delivery-send-{self.channel}-{item.id}"
            )
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _next(self) -> tuple[Claimed, Permit]:
        while True:
            now = time.monotonic()
            due = []
            while self._later and self._later[0][0] <= now:
                due.append(heapq.heappop(self._later)[2])
            self._ready.extendleft(reversed(due))  # set-aside rows first, in their order
            if len(self._held) < self._batch:
                self._hungry.set()
            item = self._ready.popleft() if self._ready else None
            if item is not None and self._sendable(item):
                pacer, chat = self._pacer, item.user_key
                if pacer.chat_delay(chat) <= CHAT_WAIT_SLACK:
                    permit = await pacer.try_acquire(chat, priority_of(item), CHAT_WAIT_SLACK)
                    if permit is not None and self._sendable(item):
                        return item, permit
                    if permit is not None:
                        await permit.release()
                        continue
                delay = pacer.chat_delay(chat)
                wait = delay if delay != float("inf") else pacer.limits.per_chat_seconds
                self._set_aside(item, time.monotonic() + wait)
            elif item is None:
                await self._sleep_until_work()

    def _sendable(self, item: Claimed) -> bool:
        if item.id not in self._held:
            return False
        if item.expires_at is not None and item.expires_at <= self._clock():
            self._held.pop(item.id, None)  # the maintenance marks it expired
            return False
        return True

    def _set_aside(self, item: Claimed, ready_at: float) -> None:
        heapq.heappush(self._later, (ready_at, next(self._order), item))

    async def _sleep_until_work(self) -> None:
        timeout = self._config.poll_seconds
        if self._later:
            timeout = max(0.0, min(timeout, self._later[0][0] - time.monotonic()))
        self._wake.clear()
        await wait_event(self._wake, timeout)

    async def _send(self, item: Claimed, permit: Permit) -> None:
        lane = self._pacer.lane(priority_of(item), permit)
        try:
            result = await self._sender.deliver(item, lane)
        except Exception as exc:  # a sender bug must not stop the pump
            log.exception("delivery %s: outbox %s: sender error", self.channel, item.id)
            result = Result(Outcome.RETRY, item.parts_done, f"error: {type(exc).__name__}")
        finally:
            await lane.close()
            self._slots.release()
        if result.outcome is Outcome.RATE_LIMITED:
            await self._rate_limited(item, result)
            return
        held = self._held.pop(item.id, None) is not None
        if held or result.outcome is Outcome.SENT:  # dropped meanwhile, but it went out
            self._recorder.add(item, result)

    async def _rate_limited(self, item: Claimed, result: Result) -> None:
        await self._pacer.pause(result.retry_after)
        if item.id not in self._held:
            return
        again = replace(item, parts_done=result.parts_done)
        self._held[item.id] = again
        self._set_aside(again, time.monotonic() + result.retry_after)
        self._wake.set()
