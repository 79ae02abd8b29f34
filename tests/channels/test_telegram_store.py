"""The Telegram tables on SQLite and PostgreSQL: deep links, migration.

(The intake every channel shares is tested in ``test_intake_store.py``.)
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect

from storage.db import Database, downgrade, upgrade

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


async def test_deep_links_are_stored_under_a_short_payload_safe_id(database: Database):
    async with database.unit_of_work() as store:
        link = await store.deep_links.create("lighting", "vy_da", "Cột đèn 12", NOW)
    assert len(link.id) <= 64 and all(c.isalnum() or c in "_-" for c in link.id)
    async with database.unit_of_work() as store:
        assert await store.deep_links.get(link.id) == link
        assert await store.deep_links.get("x" * 65) is None


async def test_the_migration_goes_down_and_up_again(scratch: Database):
    await upgrade(scratch.engine, "0002")
    assert {"telegram_update", "telegram_button", "deep_link"} <= await tables(scratch)
    await downgrade(scratch.engine, "0001")
    assert not {"telegram_update", "telegram_button", "deep_link"} & await tables(scratch)
    await upgrade(scratch.engine, "0002")
    assert {"telegram_update", "telegram_button", "deep_link"} <= await tables(scratch)


async def tables(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
