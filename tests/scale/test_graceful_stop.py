"""A process that stops gracefully hands back the outbox rows it still holds, at once.

Rows held by another live process stay with it. Both stores.
"""

from __future__ import annotations

from sqlalchemy import select, update

from bot.leases import Heartbeat
from storage import models
from storage.db import Database
from tests.support.clock import FakeClock


async def _hold(database: Database, row_id: int, holder: str, clock: FakeClock) -> None:
    async with database.engine.begin() as conn:
        await conn.execute(
            update(models.Outbox)
            .where(models.Outbox.id == row_id)
            .values(status="sending", claimed_by=holder, claimed_until=clock.advance(seconds=0))
        )


async def _states(database: Database) -> list[tuple[str, str | None]]:
    query = select(models.Outbox.status, models.Outbox.claimed_by).order_by(models.Outbox.id)
    async with database.engine.connect() as conn:
        return [(str(s), c) for s, c in (await conn.execute(query)).all()]


async def test_stop_hands_back_this_process_rows_only(database: Database):
    clock = FakeClock()
    async with database.unit_of_work() as store:
        user = await store.users.get_or_create("telegram", "42", clock())
        ids = [await store.outbox.enqueue(user, "status", {"replies": []}, clock())
               for _ in range(2)]  # fmt: skip
    heartbeat, other = Heartbeat(database, clock), "otherhost-1-abcdef01"
    await heartbeat.start()
    async with database.unit_of_work() as store:
        await store.leases.beat(other, clock())
    await _hold(database, ids[0], heartbeat.holder, clock)
    await _hold(database, ids[1], other, clock)
    await heartbeat.stop()
    assert await _states(database) == [("pending", None), ("sending", other)]
    async with database.unit_of_work() as store:
        assert heartbeat.holder not in await store.leases.holders()
