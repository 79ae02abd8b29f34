"""Token buckets: how fast one messenger may be sent to, overall and per chat.

``TokenBucket`` is the generic cell rate algorithm: each ``take`` reserves the next free
slot (``1/rate`` apart, with up to ``burst`` at once) and sleeps until it. Reservations
are handed out in call order, so the bucket is fair and keeps the configured rate on
average however late a sleeper wakes. ``pause`` (a 429 with ``retry_after``) moves every
future slot past the pause; sleepers that wake inside it take a new slot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.delivery.settings import ChannelRate

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
PRUNE_AT = 10_000
# A send that starts late (the event loop's timers are not exact) may catch up this much
# at once, so timer jitter does not cost throughput at 1000 messages a second.
CATCH_UP_SECONDS = 0.02


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` at once."""

    def __init__(
        self, rate: float, burst: int = 1, clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:  # fmt: skip
        self.interval = 1.0 / rate
        self._tolerance = (burst - 1) * self.interval
        self._clock, self._sleep = clock, sleep
        self._tat = float("-inf")  # the theoretical arrival time of the next token
        self.paused_until = float("-inf")

    def delay(self) -> float:
        """Seconds until a token would be free (without taking it)."""
        now = self._clock()
        start = max(self._tat, now, self.paused_until) - self._tolerance
        return max(0.0, start - now, self.paused_until - now)

    def reserve(self) -> float:
        """Take the next free slot; returns the seconds to wait for it."""
        now = self._clock()
        tat = max(self._tat, now)
        self._tat = tat + self.interval
        return max(0.0, tat - self._tolerance - now)

    async def take(self) -> None:
        """Wait for a token (and for any pause to end)."""
        while True:
            wait = self.reserve()
            if wait > 0:
                await self._sleep(wait)
            if self._clock() >= self.paused_until:
                return

    def pause(self, seconds: float) -> None:
        """No token for ``seconds`` from now; then a smooth restart (no burst)."""
        until = self._clock() + seconds
        self.paused_until = max(self.paused_until, until)
        self._tat = max(self._tat, self.paused_until + self._tolerance)


class ChatBuckets:
    """One small bucket per chat, created on first use and forgotten when idle."""

    def __init__(self, limits: ChannelRate, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:  # fmt: skip
        self._limits, self._clock, self._sleep = limits, clock, sleep
        self._buckets: dict[str, TokenBucket] = {}

    def bucket(self, chat: str) -> TokenBucket:
        """The bucket of ``chat`` (a group chat's id is negative: 20 a minute)."""
        found = self._buckets.get(chat)
        if found is None:
            if len(self._buckets) >= PRUNE_AT:
                self._prune()
            found = self._buckets[chat] = self._new(chat)
        return found

    def _new(self, chat: str) -> TokenBucket:
        limits = self._limits
        if chat.startswith("-"):
            rate = limits.per_group_per_minute / 60.0
            return TokenBucket(rate, 1, self._clock, self._sleep)
        return TokenBucket(
            limits.per_chat_per_second, limits.per_chat_burst, self._clock, self._sleep
        )

    def _prune(self) -> None:
        idle = [chat for chat, bucket in self._buckets.items() if bucket.delay() == 0.0]
        for chat in idle:
            del self._buckets[chat]


class Throttle:
    """A channel's limits: its overall bucket and its per-chat buckets."""

    def __init__(self, limits: ChannelRate, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:  # fmt: skip
        self.limits = limits
        rate = limits.messages_per_second
        burst = max(limits.burst, int(rate * CATCH_UP_SECONDS))
        self.overall = TokenBucket(rate, burst, clock, sleep)
        self.chats = ChatBuckets(limits, clock, sleep)
        self._clock = clock

    def chat_delay(self, chat: str) -> float:
        """Seconds before ``chat`` may get a message."""
        return self.chats.bucket(chat).delay()

    async def take(self, chat: str) -> None:
        """Wait until one message to ``chat`` is allowed, then count it."""
        await self.chats.bucket(chat).take()
        await self.overall.take()

    async def take_if_chat_free(self, chat: str, slack: float) -> bool:
        """Take a token unless ``chat`` must wait more than ``slack`` seconds (then False)."""
        bucket = self.chats.bucket(chat)
        if bucket.delay() > slack:
            return False
        bucket.reserve()
        await self.overall.take()
        return True

    def pause(self, seconds: float) -> None:
        """The messenger said 429: nothing goes out on this channel for ``seconds``."""
        self.overall.pause(seconds)

    @property
    def paused(self) -> bool:
        """True while a 429 pause lasts."""
        return self._clock() < self.overall.paused_until


class Ticket:
    """A throttle for one delivery whose first message the dispatcher already paid for.

    The pump takes the first message's tokens in priority order before it starts the
    send, so a send in flight is really on the wire; later parts pay as usual.
    """

    def __init__(self, throttle: Throttle) -> None:
        self._throttle, self._prepaid = throttle, True

    async def take(self, chat: str) -> None:
        """Free for the first message, then as the throttle says."""
        if self._prepaid:
            self._prepaid = False
            return
        await self._throttle.take(chat)

    def pause(self, seconds: float) -> None:
        """Pause the whole channel."""
        self._throttle.pause(seconds)
