"""Crash safety: ``kill -9`` in the middle of a broadcast, restart, count what arrived.

A real ``huebot alert deliver`` process sends a whole-city alert to the fake Bot API; it
is killed with SIGKILL part-way, and a second process finishes the job. Nobody may be
missing, and only a message in flight at the kill (claimed, not yet recorded as sent)
may arrive twice.
"""

from __future__ import annotations

import signal
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from handlers import City
from handlers.alerts.issue import draft, issue
from storage import models
from storage.db import Database
from tests.conftest import CONFIG
from tests.delivery.processes import (
    process_store,
    start_delivery,
    wait_exit,
    wait_while_running,
    write_config,
)
from tests.delivery.support import add_users, delivered
from tests.support.fake_telegram import FakeTelegram

PEOPLE = 600
FIRST_CHAT = 10_001


def city() -> City:
    from bot.config import load_settings

    return load_settings(CONFIG).city


async def statuses_by_chat(database: Database) -> dict[int, str]:
    """Each recipient's delivery status."""
    query = select(models.User.external_id, models.Outbox.status).join(
        models.User, models.User.id == models.Outbox.user_id
    )
    async with database.engine.connect() as conn:
        return {int(key): status for key, status in (await conn.execute(query)).all()}


async def test_a_broadcast_killed_mid_way_resumes_without_losing_anyone(
    process_store_kind: str, fake_telegram: FakeTelegram, tmp_path: Path
):
    config = write_config(tmp_path / "config.yml", fake_telegram.api_url, {
        "telegram": {"messages_per_second": 150, "paid_broadcast": True},
        "lease_seconds": 2, "poll_seconds": 0.05,
    })  # fmt: skip
    async with process_store(process_store_kind, tmp_path) as url:
        database = Database(url)
        try:
            now = datetime.now(UTC)
            await add_users(database, "telegram", range(FIRST_CHAT, FIRST_CHAT + PEOPLE), now)
            content = draft("Bão số 13", "Bão đổ bộ đêm nay, người dân ở trong nhà.",
                            severity="Severe", whole_city=True, wards=(), now=now,
                            sender="Thành phố Huế")  # fmt: skip
            async with database.unit_of_work() as store:
                assert (await issue(store, city(), content, now)).recipients == PEOPLE

            first = start_delivery(config, url, tmp_path)
            third = PEOPLE // 3
            await wait_while_running(lambda: len(fake_telegram.messages) >= third, first, tmp_path)
            first.send_signal(signal.SIGKILL)
            assert await wait_exit(first) == -signal.SIGKILL
            at_kill = await statuses_by_chat(database)
            before = delivered(fake_telegram)
            assert 0 < len(before) < PEOPLE

            second = start_delivery(config, url, tmp_path, "--until-idle")
            assert await wait_exit(second) == 0
            after = await statuses_by_chat(database)
        finally:
            await database.dispose()

    everyone = Counter(delivered(fake_telegram))
    in_flight = {chat for chat, status in at_kill.items() if status == "sending"}
    recorded_sent = {chat for chat, status in at_kill.items() if status == "sent"}
    twice = {chat for chat, n in everyone.items() if n > 1}
    assert set(everyone) == set(range(FIRST_CHAT, FIRST_CHAT + PEOPLE))  # nobody missing
    assert twice <= in_flight  # only messages in flight at the kill came twice
    assert all(everyone[chat] == before[chat] for chat in recorded_sent)  # sent stays sent
    assert set(after.values()) == {"sent"}
    assert max(everyone.values()) <= 2
