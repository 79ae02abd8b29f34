"""SQLite's statements run in the event loop's thread, and take their turn at the writer."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.sqlite_inline import InlineConnection

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
async def sqlite(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite store of this test's own."""
    path = tmp_path / "inline.db"
    path.write_bytes(sqlite_template.read_bytes())
    database = Database(f"sqlite:///{path}")
    yield database
    await database.dispose()


async def test_a_statement_runs_in_the_loops_own_thread(sqlite: Database):
    async with sqlite.engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        assert isinstance(driver, InlineConnection)
        await driver.create_function("thread_of_call", 0, threading.get_ident)
        ran_in = await conn.scalar(text("SELECT thread_of_call()"))
    assert ran_in == threading.get_ident()


async def test_a_ping_waits_for_the_open_transaction_instead_of_blocking_the_loop(
    sqlite: Database,
):
    async with sqlite.unit_of_work() as store:
        await store.users.get_or_create("telegram", "42", NOW)  # holds SQLite's writer lock
        ping = asyncio.create_task(sqlite.ping())
        await asyncio.sleep(0.05)  # a ping in SQLite's busy handler would stop this clock
        assert not ping.done()
    assert await asyncio.wait_for(ping, 5) is True


async def test_figures_read_while_a_transaction_is_open_wait_their_turn(sqlite: Database):
    async with sqlite.unit_of_work() as store:
        await store.users.get_or_create("telegram", "43", NOW)
        read = asyncio.create_task(_count_users(sqlite))
        await asyncio.sleep(0.05)
        assert not read.done()
    assert await asyncio.wait_for(read, 5) == 1


async def _count_users(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(text('SELECT count(*) FROM "user"')) or 0)


async def test_a_second_engine_on_the_file_waits_without_holding_the_loop(
    sqlite: Database, tmp_path: Path
):
    other = Database(f"sqlite:///{tmp_path / 'inline.db'}")  # as a `huebot` command would
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        async with sqlite.unit_of_work() as store:
            await store.users.get_or_create("telegram", "44", NOW)
            waiting = asyncio.create_task(_add_user(other, "45"))
            await asyncio.sleep(0.2)
            assert not waiting.done() and ticks >= 5  # the loop ran while it waited
        await asyncio.wait_for(waiting, 5)
        assert await _count_users(sqlite) == 2
    finally:
        ticker.cancel()
        await other.dispose()


async def _add_user(database: Database, key: str) -> None:
    async with database.unit_of_work() as store:
        await store.users.get_or_create("telegram", key, NOW)
