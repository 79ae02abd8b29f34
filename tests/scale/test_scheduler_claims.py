"""Three schedulers on one store, ticking at the same moment: every notice goes once.

Each scheduler has its own engine (its own connections), as separate processes do.
Before the compare-and-set claims, two schedulers sent 100 of 100 reminders twice.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.app import sync_units
from bot.config import load_settings
from bot.scheduler import Scheduler
from storage.db import Database
from tests.conftest import CONFIG
from tests.scale.support import due_reports, fresh_database, official, outbox_kinds, postgres_url
from tests.support.clock import FakeClock

REPORTS = 100
SCHEDULERS = 3


@pytest.fixture(params=["sqlite", "postgresql"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    """A fresh migrated store shared by the schedulers."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'claims.db'}"
        await _migrated(url)
        yield url
        return
    async with fresh_database(postgres_url()) as url:
        await _migrated(url)
        yield url


async def _migrated(url: str) -> None:
    database = Database(url)
    await database.migrate()
    await sync_units(database, load_settings(CONFIG).city)
    await database.dispose()


async def test_reminders_and_escalations_go_once_whatever_the_number_of_schedulers(store_url):
    clock = FakeClock()
    city = load_settings(CONFIG).city
    seed = Database(store_url)
    author = await official(seed, "huewaco", 5_000, clock())  # any user may file
    await official(seed, "hepco", 5_001, clock())
    await due_reports(seed, REPORTS, "hepco", author, clock())
    databases = [Database(store_url) for _ in range(SCHEDULERS)]
    schedulers = [Scheduler(db, city, None, clock, digest_hour=-1) for db in databases]  # type: ignore[arg-type]
    try:
        reminded = 0
        for _ in range(3):  # several passes, all at once
            results = await asyncio.gather(*(s.tick() for s in schedulers))
            reminded += sum(r.reminded for r in results)
        assert reminded == REPORTS
        assert (await outbox_kinds(seed)).get("reminder") == REPORTS
        clock.advance(hours=5)  # past every deadline
        escalated = 0
        for _ in range(2):
            results = await asyncio.gather(*(s.tick() for s in schedulers))
            escalated += sum(r.escalated for r in results)
        assert escalated == REPORTS
    finally:
        for db in [*databases, seed]:
            await db.dispose()
