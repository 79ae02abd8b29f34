"""The pacer's book in Redis: one limit shared by every process that sends for one bot.

Each grant is one Lua script (one round trip, atomic): it drops window entries that
ended more than a window ago, and grants only if the window, the even spacing, a 429
pause, the chat's spacing and a group's minute all allow; it then records the send as in
flight. Its release (another script) stamps the real end. Times come from Redis's own
clock (``TIME``), so processes on different machines agree.

When Redis cannot be reached the book falls back to this process's safe share of the
limit (``Limits.share`` by the number of live processes in ``worker_heartbeat``), after
one silent window so sends granted through Redis have left the window. When Redis
answers again, the process stays silent for a window and a probe interval (by then
every process has seen Redis back and stopped sending on its own) and then uses Redis
only. Delivery slows during an outage; it never exceeds the limit and never stops.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from bot.channels.pacer import Limits, Pacer
from bot.channels.pacer_book import LocalBook, Verdict
from bot.channels.pacer_lua import DONE, PAUSE, TAKE
from bot.leases import DEAD_AFTER
from storage.db import Database

log = logging.getLogger(__name__)

PROBE_SECONDS = 0.5  # how often a process without Redis looks for it again
PROCESSES_SECONDS = 10.0  # how often the number of live processes is counted
MAX_FLIGHT_MS = 30_000  # a send whose end never came counts this long
POLL_MS = 20  # how soon to ask again when another process's send is still in flight
CATCH_UP_MS = 20
REDIS_TIMEOUT = 0.5  # seconds: a Redis that does not answer by then is away


class RedisBook:
    """The window, the spacing and the chats in Redis; a local share when it is away."""

    def __init__(
        self, limits: Limits, client: aioredis.Redis, prefix: str,
        processes: Callable[[], Awaitable[int]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.limits, self._redis, self._prefix = limits, client, prefix
        self._count_processes, self._processes = processes, 1
        self._clock = clock
        self.local = LocalBook(limits, clock)  # this process's own sends, and the fallback
        self._take, self._done = client.register_script(TAKE), client.register_script(DONE)
        self._pause = client.register_script(PAUSE)
        self._members: dict[str, list[str]] = {}
        self._unstamped: list[tuple[str, str, float, bool]] = []  # chat, member, end, new
        self.mode = "redis"  # "redis", "local" (Redis away) or "rejoin" (silent, then redis)
        self._until = -math.inf  # when the silence of "local" or "rejoin" ends
        self._probe_at = -math.inf
        self._counted_at = -math.inf

    async def take(self, chat: str) -> Verdict:
        """Grant one message to ``chat`` (through Redis when it answers)."""
        now = self._clock()
        self._count_now(now)
        if self.mode != "redis":
            return await self._take_without(chat, now)
        member = uuid.uuid4().hex
        try:
            answer = await self._take(keys=self._keys(chat), args=self._args(chat, member))
            granted, wait, chat_only = answer
        except (RedisError, OSError) as exc:
            self._lost(now, exc)
            return Verdict(self._until - now, chat_only=False)
        if int(granted):
            self._members.setdefault(chat, []).append(member)
            self.local.grant_at(chat, now)
            return Verdict(0.0, chat_only=False)
        return Verdict(max(float(wait) / 1000, 0.001), chat_only=bool(int(chat_only)))

    async def done(self, chat: str) -> None:
        """Stamp the send's end (in Redis when it was granted there)."""
        end = self._clock()
        self.local.done_at(chat, end)
        members = self._members.get(chat)
        if not members:  # granted alone: a group's minute must know of it in Redis
            if self.limits.is_group(chat):
                self._unstamped.append((chat, uuid.uuid4().hex, end, True))
            return
        member = members.pop(0)
        if not members:
            del self._members[chat]
        if self.mode != "redis":
            self._unstamped.append((chat, member, end, False))  # stamped when Redis is back
            return
        try:
            await self._stamp(chat, member, 0.0, new=False)
        except (RedisError, OSError) as exc:
            self._unstamped.append((chat, member, end, False))
            self._lost(self._clock(), exc)

    async def _stamp(self, chat: str, member: str, age: float, new: bool) -> None:
        """Record in Redis that ``member``'s send to ``chat`` ended ``age`` seconds ago
        (``new``: a send granted while Redis was away, unknown to Redis so far)."""
        limits, group = self.limits, self.limits.is_group(chat)
        keys = [self._key("window"), self._key("chat", chat), self._key("group", chat)]
        spacing = 1000 * (limits.per_chat_seconds + limits.margin_seconds)
        keep = 1000 * limits.group_window_seconds
        await self._done(keys=keys, args=[member, spacing, int(group), 1000 * age, int(new), keep])

    async def _rejoin(self, now: float) -> bool:
        """Stamp the sends that ended while Redis was away; False if it went away again."""
        try:
            while self._unstamped:
                chat, member, end, new = self._unstamped[0]
                await self._stamp(chat, member, max(0.0, now - end), new)
                self._unstamped.pop(0)
        except (RedisError, OSError) as exc:
            self._lost(now, exc)
            return False
        self.mode, self.local.limits = "redis", self.limits
        log.warning("pacer: sharing the limit through Redis again")
        return True

    async def pause(self, seconds: float) -> None:
        """Pause every process (and this one, whatever Redis says)."""
        self.local.pause_until(self._clock() + seconds)
        if self.mode == "redis":
            try:
                await self._pause(keys=[self._key("paused")], args=[1000 * seconds])
            except (RedisError, OSError) as exc:
                self._lost(self._clock(), exc)

    def chat_wait(self, chat: str) -> float:
        """What this process knows of the chat's wait."""
        return self.local.chat_wait_at(chat, self._clock())

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()

    async def _take_without(self, chat: str, now: float) -> Verdict:
        if now >= self._probe_at and self.mode == "local":
            self._probe_at = math.inf  # until the probe answers
            asyncio.get_running_loop().create_task(self._probe())
        if now < self._until:
            return Verdict(self._until - now, chat_only=False)
        if self.mode == "rejoin":
            await self._rejoin(now)
            return Verdict(0.001, chat_only=False)
        return self.local.take_at(chat, now)

    def _lost(self, now: float, exc: Exception) -> None:
        if self.mode == "redis":
            log.warning("pacer: Redis unreachable (%s); sending at 1/%d of the limit",
                        type(exc).__name__, self._processes)  # fmt: skip
            self.local.limits = self.limits.share(self._processes)
        self.mode, self._until = "local", now + self._silence()
        self._probe_at = now + PROBE_SECONDS

    def _silence(self) -> float:
        return self.limits.window_seconds + self.limits.margin_seconds

    async def _probe(self) -> None:
        """Ask Redis (in the background: a probe must not hold up local grants)."""
        try:
            back = bool(await self._redis.ping())
        except (RedisError, OSError):
            back = False
        now = self._clock()
        self._probe_at = now + PROBE_SECONDS
        if back and self.mode == "local":
            self.mode, self._until = "rejoin", now + self._silence() + PROBE_SECONDS
            log.warning("pacer: Redis is back; rejoining in %.1fs", self._until - now)

    def _count_now(self, now: float) -> None:
        if self._count_processes is None or now < self._counted_at:
            return
        self._counted_at = now + PROCESSES_SECONDS
        asyncio.get_running_loop().create_task(self._count())

    async def _count(self) -> None:
        try:
            assert self._count_processes is not None
            self._processes = max(1, await self._count_processes())
        except Exception as exc:  # the store is down: keep the last count
            log.info("pacer: live processes not counted: %s", type(exc).__name__)

    def _key(self, *parts: str) -> str:
        return ":".join((self._prefix, *parts))

    def _keys(self, chat: str) -> list[str]:
        return [self._key("window"), self._key("next"), self._key("paused"),
                self._key("chat", chat), self._key("group", chat)]  # fmt: skip

    def _args(self, chat: str, member: str) -> list[Any]:
        limits = self.limits
        return [
            limits.per_second, 1000 * limits.window_seconds, 1000 * limits.margin_seconds,
            1000 * limits.interval, 1000 * limits.per_chat_seconds,
            int(limits.is_group(chat)), limits.per_group_per_minute,
            1000 * limits.group_window_seconds, member, MAX_FLIGHT_MS, CATCH_UP_MS, POLL_MS,
        ]  # fmt: skip


def connect(url: str) -> aioredis.Redis:
    """A client that gives up quickly (no retries: the book falls back instead)."""
    return aioredis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )  # fmt: skip


def open_pacer(
    limits: Limits, name: str, url: str | None,
    processes: Callable[[], Awaitable[int]] | None = None, account: str = "",
) -> Pacer:  # fmt: skip
    """The pacer of one messenger: shared through Redis at ``url``, else this process's.

    A platform counts its limit per bot (Telegram) or per Official Account (Zalo):
    ``account`` names it, so that two bots sharing one Redis keep two windows.
    """
    if not url:
        return Pacer(limits, name=name)
    book = RedisBook(limits, connect(url), key_prefix(name, account), processes)
    return Pacer(limits, book, name=name)


def key_prefix(name: str, account: str = "") -> str:
    """The Redis keys of one messenger account's window: ``huebot:pacer:<name>[:<account>]``."""
    return f"huebot:pacer:{name}:{account}" if account else f"huebot:pacer:{name}"


def live_processes(database: Database) -> Callable[[], Awaitable[int]]:
    """How many processes beat recently in ``worker_heartbeat`` (at least this one)."""

    async def count() -> int:
        async with database.unit_of_work() as store:
            seen = list((await store.leases.holders()).values())
        if not seen:
            return 1
        latest = max(seen)
        return max(1, sum(1 for at in seen if at >= latest - DEAD_AFTER))

    return count
