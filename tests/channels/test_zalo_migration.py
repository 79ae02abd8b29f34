"""Migration 0006 (Zalo's tables) goes down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from storage.db import Database, downgrade, upgrade

ZALO_TABLES = {"zalo_window", "zalo_token"}  # events: channel_update; buttons: the shared table


async def test_the_zalo_migration_is_revertable(scratch: Database):
    await upgrade(scratch.engine)
    assert await tables(scratch) >= ZALO_TABLES
    await downgrade(scratch.engine, "0006-1")
    remaining = await tables(scratch)
    assert not (ZALO_TABLES | {"zalo_event"}) & remaining
    assert {"report", "telegram_update"} <= remaining
    await upgrade(scratch.engine)
    assert await tables(scratch) >= ZALO_TABLES


async def tables(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
