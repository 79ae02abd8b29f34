"""The store on SQLite and PostgreSQL: dedupe, concurrency, time, migrations."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from bot.app import Services
from handlers import Channel, IncomingMessage
from storage.db import Database, async_url, downgrade, upgrade
from storage.records import NewReport, ReportFilter, Status
from storage.reports import ticket_code

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


async def test_claiming_an_update_twice_only_succeeds_once(database: Database):
    async with database.unit_of_work() as store:
        assert await store.updates.claim("telegram", "42", NOW)
    async with database.unit_of_work() as store:
        assert not await store.updates.claim("telegram", "42", NOW)
        assert await store.updates.claim("zalo", "42", NOW)


async def test_a_rolled_back_claim_can_be_claimed_again(database: Database):
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as store:
            assert await store.updates.claim("telegram", "7", NOW)
            raise RuntimeError("handler failed")
    async with database.unit_of_work() as store:
        assert await store.updates.claim("telegram", "7", NOW)


async def test_concurrent_deliveries_of_one_update_are_processed_once(services: Services):
    message = IncomingMessage(
        channel=Channel.TELEGRAM,
        user_key="555",
        update_id="900001",
        received_at=NOW,
        text="/start",
        command="start",
    )
    outcomes = await asyncio.gather(*(services.inbox.receive(message) for _ in range(5)))
    assert sum(not o.duplicate for o in outcomes) == 1
    assert len({tuple(r.text for r in o.replies) for o in outcomes}) == 1


async def test_concurrent_first_messages_create_one_user(database: Database):
    async def first_contact() -> int:
        async with database.unit_of_work() as store:
            return (await store.users.get_or_create("zalo", "u-1", NOW)).id

    ids = await asyncio.gather(*(first_contact() for _ in range(5)))
    assert len(set(ids)) == 1


async def test_times_come_back_aware_and_in_utc(database: Database):
    hue = timezone(timedelta(hours=7))
    created = datetime(2026, 11, 24, 15, 30, tzinfo=hue)
    async with database.unit_of_work() as store:
        user = await store.users.get_or_create("webchat", "t", created)
        await store.units.sync([("hepco", "HEPCO", "HEPCO", None)])
        report = await store.reports.create(
            NewReport(
                user.id,
                "webchat",
                "ngập",
                "flooding",
                "hepco",
                created,
                created + timedelta(hours=24),
            )
        )
    async with database.unit_of_work() as store:
        found = await store.reports.by_code(report.code)
    assert found is not None
    assert found.created_at == created and found.created_at.tzinfo == UTC
    assert found.deadline_at - found.created_at == timedelta(hours=24)
    assert found.status == Status.RECEIVED and found.code == ticket_code(found.id)
    assert [e.new_status for e in found.events] == ["received"]


async def test_naive_datetimes_are_refused(database: Database):
    with pytest.raises(Exception, match="naive"):
        async with database.unit_of_work() as store:
            await store.users.get_or_create("webchat", "n", datetime(2026, 1, 1))


async def test_ticket_codes_are_unique_and_sequential(database: Database):
    async with database.unit_of_work() as store:
        user = await store.users.get_or_create("webchat", "t", NOW)
        await store.units.sync([("hepco", "HEPCO", "HEPCO", None)])
        codes = [
            (
                await store.reports.create(
                    NewReport(user.id, "webchat", f"r{n}", "garbage", "hepco", NOW, NOW)
                )
            ).code
            for n in range(3)
        ]
    assert codes == ["PA-10001", "PA-10002", "PA-10003"]
    async with database.unit_of_work() as store:
        listed = await store.reports.search(ReportFilter(category="garbage", limit=2))
    assert [r.code for r in listed] == ["PA-10003", "PA-10002"]


async def test_units_sync_marks_removed_units_inactive(database: Database):
    async with database.unit_of_work() as store:
        await store.units.sync([("a_unit", "A", "A", None), ("b_unit", "B", "B", "1")])
        await store.units.sync([("a_unit", "A2", "A2", None)])
    async with database.engine.connect() as conn:
        rows = (
            await conn.execute(text("SELECT code, name_vi, active FROM unit ORDER BY code"))
        ).all()
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [
        ("a_unit", "A2", True),
        ("b_unit", "B", False),
    ]


async def test_sqlite_runs_in_wal_mode(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'wal.db'}")
    await database.migrate()
    async with database.engine.connect() as conn:
        mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
        keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
    await database.dispose()
    assert (mode, keys) == ("wal", 1)


async def test_migrations_go_down_and_up_again(store_kind: str, request, tmp_path):
    if store_kind == "sqlite":
        database, schema = Database(f"sqlite:///{tmp_path / 'm.db'}"), None
    else:
        url, _ = request.getfixturevalue("postgres_schema")
        schema = f"huebot_mig_{uuid.uuid4().hex[:8]}"
        admin = Database(url)
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        database = Database(url, schema=schema)
    try:
        await upgrade(database.engine)
        await downgrade(database.engine, "base")
        assert await _tables(database) <= {"alembic_version"}
        await upgrade(database.engine)
        assert {"report", "report_event", "outbox", "processed_update"} <= await _tables(database)
    finally:
        await database.dispose()
        if schema:
            async with admin.engine.begin() as conn:
                await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            await admin.dispose()


async def test_migrating_down_and_up_keeps_each_reports_history_and_photos(database: Database):
    """SQLite rebuilds a table to change it; the rows that refer to it must survive."""
    async with database.unit_of_work() as store:
        await store.units.sync([("hepco", "HEPCO", "HEPCO", None)])
        user = await store.users.get_or_create("webchat", "w-1", NOW)
        photo = await store.reports.add_photo(user.id, "ab" * 32, "image/jpeg", 10, (1, 1), NOW)
        report = NewReport(
            user.id, "webchat", "rác", "garbage", "hepco", NOW, NOW, photo_ids=(photo,)
        )
        await store.reports.create(report)
    counts = "SELECT (SELECT count(*) FROM report_event), (SELECT count(*) FROM report_photo)"
    for step in ("0007", "heads"):
        await (downgrade(database.engine, step) if step != "heads" else upgrade(database.engine))
        async with database.engine.connect() as conn:
            assert tuple((await conn.execute(text(counts))).one()) == (1, 1), step


async def _tables(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


def test_plain_urls_get_async_drivers():
    assert async_url("sqlite:///data/x.db") == "sqlite+aiosqlite:///data/x.db"
    assert async_url("postgresql://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"
    with pytest.raises(ValueError, match="unsupported"):
        async_url("mysql://h/db")
