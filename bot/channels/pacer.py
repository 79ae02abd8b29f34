"""The outbound pacer: one per messenger, for chat replies and outbox rows alike.

A platform's limit is defined strictly (``Limits``): at most ``per_second`` messages in
any sliding window of ``window_seconds``, at most one message to a chat per
``per_chat_seconds``, and at most ``per_group_per_minute`` to a group chat in any
minute. Every platform call takes a ``Permit`` first (``Pacer.acquire``) and gives it
back when its answer came (``Permit.release``); the ``Book`` counts them (this process's
``LocalBook``, or ``RedisBook`` when several processes share one bot).

Waiting work is served by priority: replies to someone who just wrote first, then
alerts, then routine notices; within a priority, first come first served. A waiter whose
chat must still wait does not hold up the others. A 429 pauses the whole channel
(``Pacer.pause``) for its ``retry_after``.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import IntEnum

from bot.channels.pacer_book import Book, LocalBook
from bot.channels.pacer_limits import Limits
from bot.core.waiting import end_tasks, wait_event

__all__ = ["Lane", "Limits", "Pacer", "Permit", "Priority"]

log = logging.getLogger(__name__)

MAX_TIMER = 1.0  # look again at least this often (other processes free chats too)
CLOSE_GRACE = 5.0  # seconds the cancelled serving task gets to end (it may ask Redis)


class Priority(IntEnum):
    """Who goes first when sends wait: lower first."""

    REPLY = 0  # an answer to someone who just wrote
    ALERT = 1  # alerts and urgent notices
    ROUTINE = 2  # everything else


class Permit:
    """Leave to make one platform call; give it back when the call's answer came."""

    __slots__ = ("_pacer", "_released", "chat")

    def __init__(self, pacer: Pacer, chat: str) -> None:
        self._pacer, self.chat, self._released = pacer, chat, False

    async def release(self) -> None:
        """The call ended (whatever its outcome). Idempotent."""
        if not self._released:
            self._released = True
            await self._pacer.finished(self.chat)


@dataclass(order=True, slots=True)
class _Waiter:
    priority: int
    seq: int
    chat: str = field(compare=False)
    future: asyncio.Future[Permit | None] = field(compare=False)
    patience: float = field(default=math.inf, compare=False)  # longest wait for the chat


class Pacer:
    """Grants platform calls in priority order within the messenger's limits."""

    def __init__(
        self, limits: Limits, book: Book | None = None, *, name: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.limits, self.name, self._clock = limits, name, clock
        self.book: Book = book if book is not None else LocalBook(limits, clock)
        self._waiting: list[_Waiter] = []
        self._seq = itertools.count()
        self._changed: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._paused_until = -math.inf

    async def acquire(self, chat: str, priority: Priority) -> Permit:
        """Wait for leave to send one message to ``chat``."""
        permit = await self.try_acquire(chat, priority, math.inf)
        assert permit is not None  # an infinite patience is never given up
        return permit

    async def try_acquire(self, chat: str, priority: Priority, patience: float) -> Permit | None:
        """Like ``acquire``, but None once ``chat`` itself must wait more than ``patience``
        seconds (another call to it went first): the caller sends to someone else meanwhile."""
        future: asyncio.Future[Permit | None] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(int(priority), next(self._seq), chat, future, patience)
        bisect.insort(self._waiting, waiter)
        self._kick()
        try:
            return await future
        except asyncio.CancelledError:
            granted = future.result() if future.done() and not future.cancelled() else None
            if granted is not None:  # granted just as we gave up
                await asyncio.shield(granted.release())
            future.cancel()
            raise

    @contextlib.asynccontextmanager
    async def slot(self, chat: str, priority: Priority) -> AsyncIterator[Permit]:
        """``async with pacer.slot(chat, priority):`` around one platform call."""
        permit = await self.acquire(chat, priority)
        try:
            yield permit
        finally:
            await permit.release()

    def lane(self, priority: Priority, first: Permit | None = None) -> Lane:
        """This pacer at one priority (``first``: a permit already taken for the lane)."""
        return Lane(self, priority, first)

    def chat_delay(self, chat: str) -> float:
        """About how long ``chat`` must wait (what this process knows)."""
        return self.book.chat_wait(chat)

    async def pause(self, seconds: float) -> None:
        """The platform said 429: nothing goes out on this channel for ``seconds``."""
        log.warning("pacer %s: 429, pausing %.1fs", self.name, seconds)
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        await self.book.pause(seconds)
        self._kick()

    @property
    def paused(self) -> bool:
        """True while a 429 pause lasts (as far as this process knows)."""
        return self._clock() < self._paused_until

    @property
    def waiting(self) -> int:
        """Calls waiting for a permit."""
        return len(self._waiting)

    async def finished(self, chat: str) -> None:
        """A permit came back: its place in the window counts from now."""
        await self.book.done(chat)
        self._kick()

    async def close(self) -> None:
        """Stop granting (waiters are cancelled) and release the book."""
        if self._task is not None:
            await end_tasks([self._task], f"pacer {self.name}", CLOSE_GRACE)
            self._task = None
        for waiter in self._waiting:
            waiter.future.cancel()
        self._waiting.clear()
        await self.book.close()

    def _kick(self) -> None:
        if self._changed is None:
            self._changed = asyncio.Event()
        self._changed.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"pacer-{self.name}"
            )

    async def _run(self) -> None:
        changed = self._changed
        assert changed is not None
        while True:
            changed.clear()
            try:
                timeout = await self._serve()
            except Exception as exc:  # a book that fails must not stop the channel
                log.warning("pacer %s: %s", self.name, type(exc).__name__)
                timeout = 0.1
            if timeout is None and not self._waiting:
                await changed.wait()
                continue
            await wait_event(changed, min(MAX_TIMER, timeout or MAX_TIMER))

    async def _serve(self) -> float | None:
        """Grant what may go now, best first; returns when to look again."""
        blocked: set[str] = set()
        soonest = math.inf
        for waiter in list(self._waiting):
            if waiter.future.done():
                self._waiting.remove(waiter)
                continue
            if waiter.chat in blocked:
                continue
            estimate = self.book.chat_wait(waiter.chat)
            verdict = None if estimate > 0 else await self.book.take(waiter.chat)
            if verdict is not None and verdict.granted:
                self._grant(waiter)
                continue
            wait = estimate if verdict is None else verdict.wait
            if verdict is not None and not verdict.chat_only:
                soonest = min(soonest, wait)
                break
            if wait > waiter.patience:
                self._waiting.remove(waiter)
                if not waiter.future.done():
                    waiter.future.set_result(None)
                continue
            soonest = min(soonest, wait)
            blocked.add(waiter.chat)
        return None if math.isinf(soonest) else soonest

    def _grant(self, waiter: _Waiter) -> None:
        self._waiting.remove(waiter)
        permit = Permit(self, waiter.chat)
        if waiter.future.done():  # its caller gave up while the book was asked
            asyncio.get_running_loop().create_task(permit.release())
            return
        waiter.future.set_result(permit)


class Lane:
    """A pacer at one priority, as a sender uses it; the first permit may be prepaid."""

    def __init__(self, pacer: Pacer, priority: Priority, first: Permit | None = None) -> None:
        self.pacer, self.priority, self._first = pacer, priority, first

    @contextlib.asynccontextmanager
    async def slot(self, chat: str) -> AsyncIterator[Permit]:
        """One platform call to ``chat``."""
        permit, self._first = self._first, None
        if permit is None or permit.chat != chat:
            if permit is not None:
                await permit.release()
            permit = await self.pacer.acquire(chat, self.priority)
        try:
            yield permit
        finally:
            await permit.release()

    async def pause(self, seconds: float) -> None:
        """Pause the whole channel (a 429)."""
        await self.pacer.pause(seconds)

    async def close(self) -> None:
        """Give back a prepaid permit that was not used."""
        if self._first is not None:
            permit, self._first = self._first, None
            await permit.release()
