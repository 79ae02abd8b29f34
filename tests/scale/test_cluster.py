"""Three ``huebot run`` processes on one PostgreSQL store, as behind a load balancer.

They start at the same moment on an empty database (one migrates, the others wait);
deadline reminders due for 100 reports reach the units once each; webhook updates
spread over the three are each processed once and in order per chat; and after a
``kill -9`` of one process in the middle of the work, nothing is lost.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from itertools import cycle
from typing import Any

import aiohttp
from sqlalchemy import select

from storage import models
from storage.db import Database
from tests.scale.cluster import Cluster
from tests.scale.support import due_reports, official
from tests.support.fake_telegram import BOT_ID, FakeTelegram, eventually

PROCESSES = 3
REPORTS = 100
UNITS = ("hepco", "huewaco", "pc_hue", "cay_xanh", "chieu_sang")
FIRST_OFFICIAL = 70_001
FIRST_CITIZEN = 80_001


def update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A Telegram update: a private text message."""
    person = {"id": chat_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000, "text": text,
        "chat": {"id": chat_id, "type": "private"}, "from": person,
    }}  # fmt: skip


async def queue_rows(database: Database) -> list[Any]:
    """Every stored Telegram update: id, chat, status, attempts, when it was done."""
    row = models.TelegramUpdate
    query = select(row.update_id, row.chat_key, row.status, row.attempts, row.done_at).where(
        row.bot_id == BOT_ID
    )
    async with database.engine.connect() as conn:
        return list((await conn.execute(query)).all())


def in_order_per_chat(rows: list[Any]) -> bool:
    """Whether each chat's updates were finished in update_id order."""
    by_chat: dict[str, list[Any]] = {}
    for r in sorted(rows, key=lambda r: r.update_id):
        by_chat.setdefault(str(r.chat_key), []).append(r.done_at)
    return all(done == sorted(done) for done in by_chat.values())


async def post_spread(cluster: Cluster, chats: int, per_chat: int, first_id: int) -> None:
    """Post ``per_chat`` updates from each chat, each update to the next process in turn.

    A chat's updates go one after the other (as Telegram sends them), chats at once.
    """
    members = cycle(m for m in cluster.members if m.process.poll() is None)
    plan = [[(first_id + c * per_chat + i, FIRST_CITIZEN + c) for i in range(per_chat)]
            for c in range(chats)]  # fmt: skip
    targets = [[next(members) for _ in chat] for chat in plan]
    async with aiohttp.ClientSession() as http:

        async def one_chat(updates: list[tuple[int, int]], where: list[Any]) -> None:
            for (update_id, chat_id), member in zip(updates, where, strict=True):
                status = await cluster.post_update(
                    http, member, update(update_id, chat_id, "/help")
                )
                assert status == 200

        await asyncio.gather(*(one_chat(u, t) for u, t in zip(plan, targets, strict=True)))


async def test_three_processes_start_together_and_remind_once(
    cluster: Cluster, fake_telegram: FakeTelegram
):
    cluster.start(PROCESSES)  # on an empty database: all three migrate at once
    await cluster.ready()
    database = Database(cluster.database_url)
    try:
        now = datetime.now(UTC)
        author = await official(database, "ioc", FIRST_OFFICIAL - 1, now)
        codes = []
        for index, unit in enumerate(UNITS):
            await official(database, unit, FIRST_OFFICIAL + index, now)
            codes += await due_reports(database, REPORTS // len(UNITS), unit, author, now)

        def seen() -> Counter[str]:
            words = " ".join(fake_telegram.texts()).replace(".", " ").split()
            return Counter(w for w in words if w in set(codes))

        await eventually(lambda: len(seen()) == REPORTS, timeout=180)
        await asyncio.sleep(3)  # six more scheduler passes in each process
        assert set(seen().values()) == {1}, cluster.logs()
    finally:
        await database.dispose()
    assert all(m.process.poll() is None for m in cluster.members), cluster.logs()


async def test_webhook_updates_over_three_processes_are_processed_once_in_order(
    cluster: Cluster, fake_telegram: FakeTelegram
):
    cluster.start(PROCESSES)
    await cluster.ready()
    database = Database(cluster.database_url)
    chats, per_chat = 12, 4
    try:
        await post_spread(cluster, chats, per_chat, first_id=1)

        async def all_done() -> bool:
            rows = await queue_rows(database)
            return len(rows) == chats * per_chat and all(r.status == "done" for r in rows)

        await until(all_done, timeout=180)
        rows = await queue_rows(database)
        assert {r.attempts for r in rows} == {1}
        assert in_order_per_chat(rows)
        replies = [len(fake_telegram.delivered(FIRST_CITIZEN + c)) for c in range(chats)]
        assert len(set(replies)) == 1 and replies[0] >= per_chat
    finally:
        await database.dispose()


async def test_a_process_killed_mid_work_loses_nothing(
    cluster: Cluster, fake_telegram: FakeTelegram
):
    cluster.start(PROCESSES)
    await cluster.ready()
    database = Database(cluster.database_url)
    chats, per_chat = 30, 3
    try:
        await post_spread(cluster, chats, per_chat, first_id=1_000)
        cluster.kill(cluster.members[0])
        unfinished = [r for r in await queue_rows(database) if r.status != "done"]
        assert unfinished, "the work was over before the kill; nothing was tested"

        async def all_done() -> bool:
            rows = await queue_rows(database)
            return len(rows) == chats * per_chat and all(r.status == "done" for r in rows)

        await until(all_done, timeout=240)
        assert in_order_per_chat(await queue_rows(database))
        replies = [len(fake_telegram.delivered(FIRST_CITIZEN + c)) for c in range(chats)]
        assert min(replies) >= per_chat, cluster.logs()
    finally:
        await database.dispose()


async def until(condition: Any, timeout: float) -> None:
    """Wait (bounded) until the async ``condition()`` is true."""
    for _ in range(int(timeout / 0.2)):
        if await condition():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"condition not met within {timeout}s")
