"""Several processes migrating a fresh PostgreSQL database at the same moment: all succeed.

Without the advisory lock, two concurrent ``alembic upgrade`` runs on an empty database
collide (``UniqueViolation`` on ``pg_type``); with it, one migrates and the rest wait.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

from storage.db import Database
from tests.conftest import ROOT
from tests.scale.support import fresh_database, postgres_url

STARTS = 4


async def _migrate(url: str) -> bool:
    database = Database(url)
    try:
        await database.migrate()
        return await database.at_head()
    finally:
        await database.dispose()


async def test_engines_migrating_together_all_reach_head():
    async with fresh_database(postgres_url()) as url:
        results = await asyncio.gather(*(_migrate(url) for _ in range(STARTS)))
        assert results == [True] * STARTS


async def test_processes_started_together_all_migrate(tmp_path):
    async with fresh_database(postgres_url()) as url:
        env = {"DATABASE_URL": url, "HUEBOT_DATA_DIR": str(tmp_path), "PATH": ""}
        command = [sys.executable, "-m", "bot", "db", "upgrade"]
        started = [
            subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
            for _ in range(STARTS)
        ]
        outcomes = [await asyncio.to_thread(p.communicate, None, 120) for p in started]
        failures = [err.decode()[-800:] for p, (_, err) in zip(started, outcomes, strict=True)
                    if p.returncode != 0]  # fmt: skip
        assert failures == []
        assert await _migrate(url)


async def test_a_fresh_database_is_not_at_head_until_migrated():
    async with fresh_database(postgres_url()) as url:
        database = Database(url)
        try:
            assert not await database.at_head()
            await database.migrate()
            assert await database.at_head()
        finally:
            await database.dispose()
