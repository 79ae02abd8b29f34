"""Migration 0006 (Zalo's tables) goes down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect

from storage.db import Database, downgrade, upgrade

ZALO_TABLES = {"zalo_window", "zalo_token"}  # events: channel_update; buttons: the shared table


async def test_the_zalo_migration_is_revertable(
    store_kind: str, request: pytest.FixtureRequest, tmp_path
):
    admin, schema = None, None
    if store_kind == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'z.db'}")
    else:
        url, _ = request.getfixturevalue("postgres_schema")
        schema = f"huebot_zalo_{uuid.uuid4().hex[:8]}"
        admin = Database(url)
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        database = Database(url, schema=schema)
    try:
        await upgrade(database.engine)
        assert await tables(database) >= ZALO_TABLES
        await downgrade(database.engine, "0006-1")
        remaining = await tables(database)
        assert not (ZALO_TABLES | {"zalo_event"}) & remaining
        assert {"report", "telegram_update"} <= remaining
        await upgrade(database.engine)
        assert await tables(database) >= ZALO_TABLES
    finally:
        await database.dispose()
        if admin is not None:
            async with admin.engine.begin() as conn:
                await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await admin.dispose()


async def tables(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
