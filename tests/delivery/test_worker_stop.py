"""The delivery worker's stop always ends, and says what it gave up waiting for."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.delivery.worker import DeliveryWorker
from storage.db import Database
from tests.delivery.support import add_users, build_worker, enqueue, fast_config, status_counts
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram, eventually

ENOUGH = 10.0  # seconds: far more than a stop with these graces takes on a loaded machine


async def stopped_in_time(worker: DeliveryWorker, grace: float = 0.5) -> bool:
    """Stop ``worker`` in a task of its own; whether it ended in time (never hangs)."""
    stopping = asyncio.create_task(worker.stop(grace))
    done, _ = await asyncio.wait([stopping], timeout=ENOUGH)
    if not done:
        stopping.cancel()
    return stopping in done


@asynccontextmanager
async def store_held(database: Database) -> AsyncIterator[None]:
    """Another transaction holds the outbox (PostgreSQL) or the one writer (SQLite)."""
    held, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with database.session() as session:
            if database.engine.dialect.name == "postgresql":
                await session.execute(text("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"))
            held.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await held.wait()
    try:
        yield
    finally:
        release.set()
        await holder


async def test_stop_ends_when_work_arrives_the_moment_it_stops(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, tmp_path: Path
):
    worker = build_worker(database, fake_telegram, clock, tmp_path / "media")
    await worker.start()
    await asyncio.sleep(0.1)  # the pump idles, polling for rows
    worker.pumps[0]._wake.set()  # what its feeder does when it claimed rows
    assert await stopped_in_time(worker)


async def test_stop_gives_up_on_a_store_that_does_not_answer_and_says_so(
    database: Database, clock: FakeClock, fake_telegram: FakeTelegram, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
):  # fmt: skip
    (user,) = await add_users(database, "telegram", [4242], clock())
    await enqueue(database, user, "Thông báo", clock())
    config = fast_config(record_seconds=5)  # the result waits in memory
    worker = build_worker(database, fake_telegram, clock, tmp_path / "media", config)
    await worker.start()
    await eventually(lambda: fake_telegram.delivered(4242))
    with caplog.at_level(logging.INFO, logger="bot.delivery.worker"):
        async with store_held(database):
            assert await stopped_in_time(worker)
    assert "results and 0 unsent rows not written back: TimeoutError" in caplog.text
    assert "stopped (0 rows handed back)" in caplog.text
    assert dict(await status_counts(database)) == {"sending": 1}  # its lease will run out
