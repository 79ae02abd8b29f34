"""The pacer's bookkeeping in this process: the sliding window, per-chat and per-group spacing.

A send occupies its place in the window from the moment it is granted until one window
after it ended (its answer came back). The platform sees a message arrive somewhere
between those two instants, so counting from the end is exact whatever the network's
jitter: two messages granted a window apart by this book can never arrive closer than a
window apart. ``Limits.margin_seconds`` is added on top for clocks that tick unevenly.
Sends are also spread ``window / per_second`` apart (with a little catch-up for timers
that fire late), so traffic is smooth and a reply never waits behind a burst.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from bot.channels.pacer_limits import Limits

CATCH_UP_SECONDS = 0.02  # a grant that comes late may be followed this much sooner
PRUNE_AT = 10_000


class Verdict(NamedTuple):
    """A book's answer: granted (``wait == 0``), or how long to wait and for whom."""

    wait: float
    chat_only: bool  # only this chat must wait; others may be granted meanwhile

    @property
    def granted(self) -> bool:
        """True when the send may start now."""
        return self.wait <= 0


class Book(Protocol):
    """Where the pacer counts sends: this process (``LocalBook``) or Redis."""

    limits: Limits

    async def take(self, chat: str) -> Verdict:
        """Grant one message to ``chat`` now, or say how long to wait."""
        ...

    async def done(self, chat: str) -> None:
        """A granted send ended."""
        ...

    async def pause(self, seconds: float) -> None:
        """Grant nothing for ``seconds`` (on every process sharing the book)."""
        ...

    def chat_wait(self, chat: str) -> float:
        """A cheap estimate of how long ``chat`` must wait (0 when unknown)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


@dataclass(slots=True)
class _Chat:
    """What the book knows about one chat."""

    flying: int = 0
    last_end: float = -math.inf
    ends: deque[float] = field(default_factory=deque)  # a group chat's recent ends


class LocalBook:
    """The limits of one process (or its share of a limit several processes share)."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits, self._clock = limits, clock
        self._ends: deque[float] = deque()
        self._flying = 0
        self._next_at = -math.inf
        self._paused_until = -math.inf
        self._chats: dict[str, _Chat] = {}

    async def take(self, chat: str) -> Verdict:
        """Grant one message to ``chat`` now, or say how long to wait."""
        return self.take_at(chat, self._clock())

    async def done(self, chat: str) -> None:
        """A granted send ended now."""
        self.done_at(chat, self._clock())

    async def pause(self, seconds: float) -> None:
        """Grant nothing for ``seconds`` from now."""
        self.pause_until(self._clock() + seconds)

    def chat_wait(self, chat: str) -> float:
        """Seconds before ``chat`` may get a message (``math.inf``: one is in flight)."""
        return self.chat_wait_at(chat, self._clock())

    async def close(self) -> None:
        """Nothing to release."""

    def take_at(self, chat: str, now: float) -> Verdict:
        """Grant one message to ``chat`` now (``Verdict.granted``) or say how long to wait."""
        wait = self._overall_wait(now)
        if wait > 0:
            return Verdict(wait, chat_only=False)
        wait = self.chat_wait_at(chat, now)
        if wait > 0:
            return Verdict(wait, chat_only=True)
        self._grant(chat, now)
        return Verdict(0.0, chat_only=False)

    def grant_at(self, chat: str, now: float) -> None:
        """Count a send granted elsewhere (by Redis) as this process's own."""
        self._grant(chat, now)

    def done_at(self, chat: str, now: float) -> None:
        """A granted send ended (its answer came back, or it failed) at ``now``."""
        self._flying = max(0, self._flying - 1)
        self._ends.append(now)
        state = self._chats.setdefault(chat, _Chat())
        state.flying = max(0, state.flying - 1)
        state.last_end = max(state.last_end, now)
        if self.limits.is_group(chat):
            state.ends.append(now)

    def pause_until(self, until: float) -> None:
        """Grant nothing before ``until`` (the platform said 429 with ``retry_after``)."""
        self._paused_until = max(self._paused_until, until)

    def paused(self, now: float) -> bool:
        """True while a pause lasts."""
        return now < self._paused_until

    def chat_wait_at(self, chat: str, now: float) -> float:
        """Seconds before ``chat`` may get a message at ``now``."""
        state = self._chats.get(chat)
        if state is None:
            return 0.0
        if state.flying:
            return math.inf
        limits = self.limits
        wait = state.last_end + limits.per_chat_seconds + limits.margin_seconds - now
        if limits.is_group(chat):
            horizon = now - limits.group_window_seconds - limits.margin_seconds
            while state.ends and state.ends[0] <= horizon:
                state.ends.popleft()
            if len(state.ends) >= limits.per_group_per_minute:
                wait = max(wait, state.ends[0] - horizon)
        return max(0.0, wait)

    def _overall_wait(self, now: float) -> float:
        limits = self.limits
        if now < self._paused_until:
            return self._paused_until - now
        horizon = now - limits.window_seconds - limits.margin_seconds
        while self._ends and self._ends[0] <= horizon:
            self._ends.popleft()
        if self._flying + len(self._ends) >= limits.per_second:
            return self._ends[0] - horizon if self._ends else math.inf
        return max(0.0, self._next_at - now)

    def _grant(self, chat: str, now: float) -> None:
        self._flying += 1
        self._next_at = max(self._next_at, now - CATCH_UP_SECONDS) + self.limits.interval
        if chat not in self._chats and len(self._chats) >= PRUNE_AT:
            self._prune(now)
        self._chats.setdefault(chat, _Chat()).flying += 1

    def _prune(self, now: float) -> None:
        limits = self.limits
        old = now - max(limits.per_chat_seconds, limits.group_window_seconds) - 1.0
        idle = [c for c, s in self._chats.items() if not s.flying and s.last_end < old]
        for chat in idle:
            del self._chats[chat]
