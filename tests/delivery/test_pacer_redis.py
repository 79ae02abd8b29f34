"""The pacer shared through Redis: two processes' pacers, one limit; Redis going away.

Needs Redis on 127.0.0.1:6379 (CI provides it); every key lives under a prefix unique
to the test and is deleted afterwards. Windows are shortened to tenths of a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from bot.channels.pacer import Limits, Pacer, Priority
from bot.channels.pacer_redis import RedisBook, connect, key_prefix
from tests.delivery.pacing import Span, busiest_window, send_all

REDIS = ("127.0.0.1", 6379)
LIMITS = Limits(per_second=5, window_seconds=0.2, per_chat_seconds=0.1, margin_seconds=0.002)


def _redis_up() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(REDIS, timeout=0.5):
        return True
    return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")


class Proxy:
    """A TCP proxy to Redis that the test can cut and restore (the same port)."""

    def __init__(self) -> None:
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        """Listen (again) on 127.0.0.1."""
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        await self._server.wait_closed()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*REDIS)
        self._writers |= {writer, up_writer}

        async def copy(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))
        self._writers -= {writer, up_writer}


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    """A key prefix for this test; its keys are deleted afterwards."""
    name = f"huebot-test:{uuid.uuid4().hex}"
    yield name
    client = aioredis.Redis(host=REDIS[0], port=REDIS[1])
    keys = [key async for key in client.scan_iter(f"{name}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def shared_pacer(prefix: str, port: int = REDIS[1], processes: int = 2) -> Pacer:
    """A pacer as one process makes it (its own connection pool)."""
    client = connect(f"redis://127.0.0.1:{port}/0")

    async def count() -> int:
        return processes

    return Pacer(LIMITS, RedisBook(LIMITS, client, prefix, count), name="test")


async def test_two_processes_share_one_window(prefix: str) -> None:
    first, second = shared_pacer(prefix), shared_pacer(prefix)
    spans = await asyncio.gather(
        send_all(first, [f"a{n}" for n in range(20)]),
        send_all(second, [f"b{n}" for n in range(20)]),
    )  # fmt: skip
    await first.close()
    await second.close()
    together = [*spans[0], *spans[1]]
    assert len(together) == 40
    assert busiest_window(together, LIMITS.window_seconds) == LIMITS.per_second


async def test_one_chat_is_spaced_whichever_process_sends(prefix: str) -> None:
    first, second = shared_pacer(prefix), shared_pacer(prefix)
    spans = await asyncio.gather(send_all(first, ["7"] * 3), send_all(second, ["7"] * 3))
    await first.close()
    await second.close()
    ordered = sorted((start, end) for _, start, end in [*spans[0], *spans[1]])
    gaps = [later[0] - earlier[1] for earlier, later in itertools.pairwise(ordered)]
    assert len(ordered) == 6 and min(gaps) >= LIMITS.per_chat_seconds


async def test_redis_going_away_slows_delivery_but_never_breaks_the_limit(prefix: str) -> None:
    proxy = Proxy()
    await proxy.start()
    pacers = [shared_pacer(prefix, proxy.port), shared_pacer(prefix, proxy.port)]
    spans: list[Span] = []
    modes: list[set[str]] = [set(), set()]

    async def stream(index: int) -> None:
        for batch in range(12):
            chats = [f"{index}-{batch}-{n}" for n in range(4)]
            spans.extend(await send_all(pacers[index], chats))
            book = pacers[index].book
            assert isinstance(book, RedisBook)
            modes[index].add(book.mode)

    async def outage() -> None:
        while len(spans) < 20:
            await asyncio.sleep(0.01)
        await proxy.cut()
        while len(spans) < 60:  # sends go on without Redis
            await asyncio.sleep(0.01)
        await proxy.start()

    await asyncio.gather(stream(0), stream(1), outage())
    for pacer in pacers:
        await pacer.close()
    assert len(spans) == 96  # none lost, none stuck
    assert busiest_window(spans, LIMITS.window_seconds) <= LIMITS.per_second
    assert all({"redis", "local"} <= seen for seen in modes)
    assert [p.book.mode for p in pacers] == ["redis", "redis"]  # type: ignore[attr-defined]


async def test_a_pause_reaches_every_process(prefix: str) -> None:
    first, second = shared_pacer(prefix), shared_pacer(prefix)
    await first.pause(0.3)
    began = asyncio.get_running_loop().time()
    await send_all(second, ["1"], Priority.REPLY)
    waited = asyncio.get_running_loop().time() - began
    await first.close()
    await second.close()
    assert waited >= 0.3 - 0.01


async def test_two_bots_on_one_redis_keep_two_windows(prefix: str) -> None:
    first = shared_pacer(key_prefix(prefix, "111111"))
    second = shared_pacer(key_prefix(prefix, "222222"))
    await first.pause(0.5)  # the first bot's 429 is not the second bot's
    began = asyncio.get_running_loop().time()
    await send_all(second, ["1"], Priority.REPLY)
    waited = asyncio.get_running_loop().time() - began
    await first.close()
    await second.close()
    assert waited < 0.25


async def test_a_groups_minute_is_shared_too(prefix: str) -> None:
    limits = Limits(per_second=50, per_chat_seconds=0, per_group_per_minute=3,
                    group_window_seconds=0.3, margin_seconds=0.002)  # fmt: skip
    pacers = [
        Pacer(limits, RedisBook(limits, connect(f"redis://{REDIS[0]}:{REDIS[1]}/0"), prefix))
        for _ in range(2)
    ]  # fmt: skip
    spans = await asyncio.gather(*(send_all(pacer, ["-100"] * 4) for pacer in pacers))
    for pacer in pacers:
        await pacer.close()
    together = [*spans[0], *spans[1]]
    assert len(together) == 8
    assert busiest_window(together, limits.group_window_seconds) == 3
