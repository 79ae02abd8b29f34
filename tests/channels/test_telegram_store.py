"""The Telegram tables on SQLite and PostgreSQL: queue order, albums, deep links, migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect

from storage.db import Database, downgrade, upgrade
from storage.telegram import QueuedUpdate

BOT = 42
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
LEASE, WAIT = timedelta(minutes=5), timedelta(seconds=1)


async def add(database: Database, update_id: int, chat: str | None, group: str | None = None,
              at: datetime = NOW) -> bool:  # fmt: skip
    async with database.unit_of_work() as store:
        raw = {"update_id": update_id}
        return await store.telegram_updates.add(BOT, update_id, raw, at, chat, group)


async def claim(database: Database, at: datetime = NOW) -> list[int]:
    async with database.unit_of_work() as store:
        batch = await store.telegram_updates.claim(BOT, at, LEASE, WAIT)
    return [item.update_id for item in batch]


async def finish(database: Database, *ids: int) -> None:
    async with database.unit_of_work() as store:
        await store.telegram_updates.finish(BOT, ids, NOW)


async def test_an_update_is_stored_once(database: Database):
    assert await add(database, 1, "a") is True
    assert await add(database, 1, "a") is False
    await finish(database, 1)
    assert await add(database, 1, "a") is False  # done rows still deduplicate


async def test_a_chats_updates_come_one_at_a_time_in_order(database: Database):
    for update_id, chat in ((1, "a"), (2, "a"), (3, "b"), (4, None)):
        await add(database, update_id, chat)
    assert await claim(database) == [1]
    assert await claim(database) == [3]  # chat a waits for update 1
    assert await claim(database) == [4]
    assert await claim(database) == []
    await finish(database, 1)
    assert await claim(database) == [2]


async def test_an_album_is_claimed_whole_once_it_has_settled(database: Database):
    await add(database, 1, "a", "album")
    await add(database, 2, "a", "album", at=NOW + timedelta(milliseconds=500))
    await add(database, 3, "a")
    assert await claim(database, NOW + timedelta(seconds=1)) == []  # item 2 is too fresh
    assert await claim(database, NOW + timedelta(seconds=2)) == [1, 2]
    await finish(database, 1, 2)
    assert await claim(database, NOW + timedelta(seconds=2)) == [3]


async def test_a_failed_update_waits_its_turn_and_is_given_up_at_last(database: Database):
    await add(database, 1, "a")
    assert await claim(database) == [1]
    async with database.unit_of_work() as store:
        await store.telegram_updates.retry_later(BOT, [1], NOW + timedelta(seconds=4), False)
    assert await claim(database, NOW + timedelta(seconds=3)) == []
    assert await claim(database, NOW + timedelta(seconds=5)) == [1]
    async with database.unit_of_work() as store:
        await store.telegram_updates.retry_later(BOT, [1], NOW, True)
        assert await store.telegram_updates.counts(BOT) == {"failed": 1}


async def test_a_lease_expires_so_a_crashed_process_loses_nothing(database: Database):
    await add(database, 1, "a")
    async with database.unit_of_work() as store:
        [first] = await store.telegram_updates.claim(BOT, NOW, LEASE, WAIT)
        assert first == QueuedUpdate(1, {"update_id": 1}, 1)
    assert await claim(database, NOW + LEASE - timedelta(seconds=1)) == []
    assert await claim(database, NOW + LEASE + timedelta(seconds=1)) == [1]


async def test_finished_updates_forget_their_content_and_are_pruned(database: Database):
    await add(database, 1, "a")
    await finish(database, 1)
    async with database.unit_of_work() as store:
        assert await store.telegram_updates.prune(BOT, NOW - timedelta(days=1)) == 0
        assert await store.telegram_updates.prune(BOT, NOW + timedelta(days=3)) == 1


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
