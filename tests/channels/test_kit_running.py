"""The kit's ``Running`` and group commit: a channel's stop always ends, no write waits forever."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.app import Services
from bot.channels.commits import CommitAbandoned, GroupCommit
from bot.channels.running import Running
from handlers import Channel as Messenger
from storage.store import Store
from tests.support.clock import FakeClock

ENOUGH = 10.0  # seconds: far more than a stop with these graces takes on a loaded machine


async def test_a_channel_stop_ends_although_a_commit_never_does(
    services: Services, clock: FakeClock, caplog: pytest.LogCaptureFixture
):
    running = Running(services, Messenger.TELEGRAM, clock, workers=2, tick=0.05)
    running.start_workers(lambda batch: asyncio.sleep(0))
    never = asyncio.Event()

    async def stuck(store: Store) -> None:
        await never.wait()  # a commit whose store never answers

    write = asyncio.create_task(running.queue.commits.run(stuck))
    await asyncio.sleep(0.05)
    stopping = asyncio.create_task(running.stop(grace=0.2))
    try:
        with caplog.at_level(logging.WARNING):
            done, _ = await asyncio.wait([stopping], timeout=ENOUGH)
        assert stopping in done
        assert "telegram: gave up waiting 0.2s for the group commit" in caplog.text
    finally:
        never.set()
        await asyncio.wait([write, stopping], timeout=ENOUGH)


async def test_the_writes_of_a_cancelled_group_commit_fail_rather_than_wait_forever(
    services: Services,
):
    commits, never = GroupCommit(services.database), asyncio.Event()

    async def stuck(store: Store) -> None:
        await never.wait()

    async def count(store: Store) -> int:
        return len(await store.intake.counts("telegram"))

    first = asyncio.create_task(commits.run(stuck))
    await asyncio.sleep(0.05)  # the flush is under way, in the first write
    second = asyncio.create_task(commits.run(count))  # queued for the next one
    await asyncio.sleep(0)
    assert commits._flusher is not None
    commits._flusher.cancel()  # as at the loop's end, or a stop that ended it
    done, _ = await asyncio.wait([first, second], timeout=ENOUGH)
    assert done == {first, second}
    for write in (first, second):
        assert isinstance(write.exception(), CommitAbandoned)
    assert await commits.drain(0.1)
    assert await commits.run(count) == 0  # the next write gets a flush of its own
