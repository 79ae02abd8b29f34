"""The intake table every channel shares, on SQLite and PostgreSQL: dedupe, order, leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.intake import Arrival, Claimed

CHANNEL = "telegram"
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
LEASE, WAIT = timedelta(minutes=5), timedelta(seconds=1)
HOLDER = "host-1-abcdef01"


def arrival(update_id: int, chat: str | None, group: str | None = None) -> Arrival:
    return Arrival(f"42:{update_id}", chat, update_id, {"update_id": update_id}, group)


async def add(database: Database, update_id: int, chat: str | None, group: str | None = None,
              at: datetime = NOW, channel: str = CHANNEL) -> bool:  # fmt: skip
    async with database.unit_of_work() as store:
        [stored] = await store.intake.add(channel, [arrival(update_id, chat, group)], at)
    return stored.fresh


async def claim(database: Database, at: datetime = NOW, channel: str = CHANNEL) -> list[int]:
    async with database.unit_of_work() as store:
        batch = await store.intake.claim(channel, at, LEASE, HOLDER, WAIT)
    return [item.payload["update_id"] for item in batch]


async def ids_of(database: Database, *update_ids: int) -> list[int]:
    async with database.engine.connect() as conn:
        rows = await conn.exec_driver_sql("SELECT id, position FROM channel_update")
        found = {position: row_id for row_id, position in rows.all()}
    return [found[u] for u in update_ids]


async def finish(database: Database, *update_ids: int) -> None:
    ids = await ids_of(database, *update_ids)
    async with database.unit_of_work() as store:
        await store.intake.finish(ids, NOW)


async def test_an_update_is_stored_once(database: Database):
    assert await add(database, 1, "a") is True
    assert await add(database, 1, "a") is False
    await finish(database, 1)
    assert await add(database, 1, "a") is False  # done rows still deduplicate
    assert await add(database, 1, "a", channel="zalo") is True  # keys are per channel


async def test_a_chats_updates_come_one_at_a_time_in_order(database: Database):
    for update_id, chat in ((2, "a"), (1, "a"), (3, "b"), (4, None)):
        await add(database, update_id, chat)
    assert await claim(database) == [1]  # by position, whatever the arrival order
    assert await claim(database) == [3]  # chat a waits for update 1
    assert await claim(database) == [4]
    assert await claim(database) == []
    assert await claim(database, channel="zalo") == []
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
    [row_id] = await ids_of(database, 1)
    async with database.unit_of_work() as store:
        await store.intake.retry_later([row_id], NOW + timedelta(seconds=4), False, "Boom")
    assert await claim(database, NOW + timedelta(seconds=3)) == []
    assert await claim(database, NOW + timedelta(seconds=5)) == [1]
    async with database.unit_of_work() as store:
        await store.intake.retry_later([row_id], NOW, True, "Boom")
        assert await store.intake.counts(CHANNEL) == {"failed": 1}
        [failed] = await store.intake.failed()
    assert (failed.channel, failed.update_id, failed.attempts, failed.error) == (
        CHANNEL, "42:1", 2, "Boom")  # fmt: skip


async def test_a_lease_expires_so_a_crashed_process_loses_nothing(database: Database):
    await add(database, 1, "a")
    async with database.unit_of_work() as store:
        [first] = await store.intake.claim(CHANNEL, NOW, LEASE, HOLDER, WAIT)
    assert first == Claimed(first.id, "42:1", "a", {"update_id": 1}, 1)
    assert await claim(database, NOW + LEASE - timedelta(seconds=1)) == []
    assert await claim(database, NOW + LEASE + timedelta(seconds=1)) == [1]


async def test_a_new_update_is_leased_at_once_only_when_its_chat_allows_it(database: Database):
    await add(database, 1, "busy")  # pending, held by no one
    arrivals = [arrival(2, "busy"), arrival(3, "free"), arrival(4, "free"),
                arrival(5, "album", "g")]  # fmt: skip
    async with database.unit_of_work() as store:
        stored = await store.intake.add(CHANNEL, arrivals, NOW, holder=HOLDER, lease=LEASE)
    taken = {s.arrival.update_key: s.claimed for s in stored}
    assert taken["42:2"] is None and taken["42:5"] is None
    assert [taken["42:3"] is not None, taken["42:4"] is not None] == [True, True]
    assert await claim(database, NOW + timedelta(seconds=2)) == [1]  # 3 and 4 are held
    async with database.unit_of_work() as store:  # chat "free" is still held in memory
        [later] = await store.intake.add(CHANNEL, [arrival(6, "free")], NOW, holder=HOLDER,
                                         lease=LEASE, held={"free"})  # fmt: skip
        [other] = await store.intake.add(CHANNEL, [arrival(7, "free")], NOW, holder="else",
                                         lease=LEASE, held={"free"})  # fmt: skip
    assert later.claimed is not None and other.claimed is None


async def test_unleased_rows_go_back_and_dead_holders_lose_theirs(database: Database):
    async with database.unit_of_work() as store:
        stored = await store.intake.add(CHANNEL, [arrival(1, "a"), arrival(2, "b")], NOW,
                                        holder=HOLDER, lease=LEASE)  # fmt: skip
    first, second = (s.claimed for s in stored)
    assert first is not None and second is not None
    async with database.unit_of_work() as store:
        await store.intake.unlease([first.id])
        assert await store.intake.release_except(["someone-alive"]) == 1
    assert await claim(database) == [1]
    assert await claim(database) == [2]


async def test_finished_updates_forget_their_content_and_are_pruned(database: Database):
    await add(database, 1, "a")
    await finish(database, 1)
    async with database.unit_of_work() as store:
        assert await store.intake.prune(CHANNEL, NOW - timedelta(days=1)) == 0
        assert await store.intake.prune("zalo", NOW + timedelta(days=3)) == 0
        assert await store.intake.prune(CHANNEL, NOW + timedelta(days=3)) == 1
        assert await store.intake.last_received(CHANNEL) is None
