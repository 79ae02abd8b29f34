"""After ``kill -9``, a restarted process takes the dead one's leases back in seconds.

Without it, outbox rows a killed worker held waited out their 30 s lease and queued
updates their 5 min lease. Real processes, real ``SIGKILL``, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.leases import Heartbeat
from handlers.alerts.issue import draft, issue
from storage import models
from storage.db import Database
from storage.intake import Arrival
from tests.delivery.claimer import BOT_ID
from tests.delivery.processes import (
    ROOT,
    process_store,
    start_delivery,
    wait_exit,
    wait_while_running,
    write_config,
)
from tests.delivery.support import add_users, delivered
from tests.delivery.test_crash import FIRST_CHAT, city
from tests.support.fake_telegram import FakeTelegram

PEOPLE = 600
RECOVERED_WITHIN = 15.0  # seconds from the restart, start-up included; leases: 30 s, 5 min


def now() -> datetime:
    return datetime.now(UTC)


async def held_by(database: Database, holder: str) -> int:
    box = models.Outbox
    query = select(func.count()).where(box.status == "sending", box.claimed_by == holder)
    async with database.engine.connect() as conn:
        return int(await conn.scalar(query) or 0)


async def holders_sending(database: Database) -> set[str]:
    box = models.Outbox
    query = select(box.claimed_by).where(box.status == "sending").distinct()
    async with database.engine.connect() as conn:
        return {h for h in (await conn.execute(query)).scalars() if h}


async def seconds_until(probe: object, limit: float = 60.0) -> float:
    """Wall seconds until ``await probe()`` is true (bounded)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if await probe():  # type: ignore[operator]
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    return limit


async def test_outbox_rows_of_a_killed_worker_are_taken_back_at_restart(
    process_store_kind: str, fake_telegram: FakeTelegram, tmp_path: Path
):
    config = write_config(
        tmp_path / "config.yml",
        fake_telegram.api_url,
        {
            "telegram": {"messages_per_second": 100, "paid_broadcast": True},
            "poll_seconds": 0.05,
        },
    )  # fmt: skip  (the default 30 s lease)
    async with process_store(process_store_kind, tmp_path) as url:
        database = Database(url)
        try:
            await add_users(database, "telegram", range(FIRST_CHAT, FIRST_CHAT + PEOPLE), now())
            content = draft("Bão số 13", "Bão đổ bộ đêm nay.", severity="Severe",
                            whole_city=True, wards=(), now=now(), sender="Huế")  # fmt: skip
            async with database.unit_of_work() as store:
                await issue(store, city(), content, now())
            first = start_delivery(config, url, tmp_path)
            await wait_while_running(lambda: len(fake_telegram.messages) >= PEOPLE // 4, first,
                                     tmp_path)  # fmt: skip
            first.send_signal(signal.SIGKILL)
            assert await wait_exit(first) == -signal.SIGKILL
            [dead] = await holders_sending(database)
            assert await held_by(database, dead) > 0
            second = start_delivery(config, url, tmp_path, "--until-idle")

            async def released() -> bool:
                return await held_by(database, dead) == 0

            took = await seconds_until(released)
            assert await wait_exit(second) == 0
        finally:
            await database.dispose()
    assert took < RECOVERED_WITHIN, f"the dead worker's rows waited {took:.1f} s"
    assert set(delivered(fake_telegram)) == set(range(FIRST_CHAT, FIRST_CHAT + PEOPLE))


async def test_queued_updates_of_a_killed_process_are_taken_back_at_restart(
    process_store_kind: str, tmp_path: Path
):
    async with process_store(process_store_kind, tmp_path) as url:
        database = Database(url)
        try:
            async with database.unit_of_work() as store:
                await store.intake.add(
                    "telegram", [Arrival(f"{BOT_ID}:1", "42", 1, {"update_id": 1})], now()
                )
                await store.intake.add(
                    "zalo", [Arrival("msg:1", "42", 1, {}, kind="user_send_text")], now()
                )
            claimer = subprocess.Popen(
                [sys.executable, "-m", "tests.delivery.claimer", url], cwd=ROOT,
                env=os.environ.copy(), stdout=subprocess.PIPE,
            )  # fmt: skip
            assert claimer.stdout is not None
            line = await asyncio.to_thread(claimer.stdout.readline)
            assert line.strip() == b"claimed"
            claimer.send_signal(signal.SIGKILL)
            assert await wait_exit(claimer) == -signal.SIGKILL
            assert not await claimable(database)  # the dead process's 5-minute lease holds

            restarted = Heartbeat(database, now)
            await restarted.start()  # what `huebot run` does first
            try:
                took = await seconds_until(lambda: claimable(database), limit=20)
            finally:
                await restarted.stop()
        finally:
            await database.dispose()
    assert took < RECOVERED_WITHIN, f"the dead process's updates waited {took:.1f} s"


async def claimable(database: Database) -> bool:
    """Whether another worker may take the Telegram update and the Zalo event now."""
    moment = now()
    async with database.engine.connect() as conn:
        row = models.ChannelUpdate
        held = await conn.scalar(
            select(func.count()).where(row.status == "pending", row.lease_until > moment)
        )
    return not held
