"""Crisis areas, first acknowledgements and the urgent lane's re-sends, on both stores."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text

from storage.crisis import Unacknowledged
from storage.db import Database, downgrade, upgrade
from storage.handling import Change
from storage.records import NewReport, Status
from tests.support.clock import FakeClock

EVERY = timedelta(minutes=5)


async def _report(database: Database, now, urgent: bool = True) -> int:
    async with database.unit_of_work() as store:
        await store.units.sync([("civil_defence", "PCTT", "Civil defence", None)])
        user = await store.users.get_or_create("telegram", "sos-1", now)
        new = NewReport(
            user.id,
            "telegram",
            "nước lên tới mái",
            "disaster",
            "civil_defence",
            now,
            now + timedelta(hours=4),
            urgent=urgent,
            people=2,
            needs=("elderly",),
        )
        return (await store.reports.create(new)).id


async def test_crisis_mode_is_switched_on_once_per_area_and_off_again(database: Database):
    now = FakeClock()()
    async with database.unit_of_work() as store:
        assert await store.crisis.start("vy_da", source="operator", actor="admin", now=now)
        assert not await store.crisis.start("vy_da", source="operator", actor="admin", now=now)
        assert await store.crisis.start("*", source="alert:7", actor="system", now=now)
        assert [row.area for row in await store.crisis.active()] == ["vy_da", "*"]
    async with database.unit_of_work() as store:
        assert await store.crisis.end("vy_da", actor="admin", now=now) == 1
        assert [row.area for row in await store.crisis.active()] == ["*"]
        assert await store.crisis.end(None, actor="admin", now=now) == 1
        assert await store.crisis.active() == []
        assert len(await store.crisis.history()) == 2


async def test_an_officials_first_move_acknowledges_and_the_system_does_not(database: Database):
    now = FakeClock()()
    report_id = await _report(database, now)
    async with database.unit_of_work() as store:
        system = Change("system", Status.RECEIVED, Status.ASSIGNED, now)
        assert await store.handling.change(report_id, system)
        later = now + timedelta(minutes=3)
        taken = Change("official", Status.ASSIGNED, Status.IN_PROGRESS, later, actor_user_id=1)
        assert await store.handling.change(report_id, taken)
        again = now + timedelta(minutes=9)
        done = Change("official", Status.IN_PROGRESS, Status.RESOLVED, again, actor_user_id=1)
        assert await store.handling.change(report_id, done)
        found = await store.handling.by_id(report_id)
    assert found is not None
    assert (found.urgent, found.people, found.needs) == (True, 2, ("elderly",))
    assert found.acknowledged_at == later


async def test_an_unacknowledged_report_is_resent_once_per_interval(database: Database):
    clock = FakeClock()
    report_id = await _report(database, clock())
    await _report(database, clock(), urgent=False)
    async with database.unit_of_work() as store:
        due = await store.crisis.unacknowledged(clock(), EVERY)
    assert [row.report_id for row in due] == [report_id]

    async def claim(row: Unacknowledged) -> bool:
        async with database.unit_of_work() as store:
            return await store.crisis.claim_resend(row, clock())

    assert sorted(await asyncio.gather(*(claim(due[0]) for _ in range(4)))) == [
        False,
        False,
        False,
        True,
    ]
    async with database.unit_of_work() as store:
        assert await store.crisis.unacknowledged(clock() + EVERY / 2, EVERY) == []
        again = await store.crisis.unacknowledged(clock() + EVERY, EVERY)
        assert [row.report_id for row in again] == [report_id]
        assert await store.crisis.acknowledge(report_id, clock() + EVERY)
        assert not await store.crisis.acknowledge(report_id, clock() + EVERY * 2)
        assert not await store.crisis.claim_resend(again[0], clock() + EVERY)
        assert await store.crisis.unacknowledged(clock() + EVERY * 3, EVERY) == []


async def test_the_migration_backfills_acknowledgements_from_the_audit_trail(database: Database):
    now = FakeClock()()
    report_id = await _report(database, now, urgent=False)
    async with database.unit_of_work() as store:
        taken = Change("official", Status.RECEIVED, Status.IN_PROGRESS, now, actor_user_id=1)
        assert await store.handling.change(report_id, taken)
    await downgrade(database.engine, "-1")
    await upgrade(database.engine)
    async with database.unit_of_work() as store:
        found = await store.handling.by_id(report_id)
    assert found is not None and found.acknowledged_at == now
    async with database.engine.connect() as conn:
        columns = (await conn.execute(text("SELECT urgent, confidential FROM report"))).all()
    assert [tuple(map(bool, row)) for row in columns] == [(False, False)]
