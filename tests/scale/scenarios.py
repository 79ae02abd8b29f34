"""What the several-process tests and ``bench/scale_bench.py`` both run and measure.

Each scenario takes a started, ready ``Cluster``, the fake Bot API it talks to and a
``Database`` on the cluster's store, does its work and returns its figures; the tests
assert on them, the benchmark writes them out.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from itertools import cycle
from typing import Any

import aiohttp
from sqlalchemy import select

from storage import models
from storage.db import Database
from tests.scale.cluster import Cluster, Member
from tests.scale.support import REDIS, due_reports, official, reachable
from tests.support.fake_telegram import BOT_ID, FakeTelegram

REPORTS = 100
UNITS = ("hepco", "huewaco", "pc_hue", "cay_xanh", "chieu_sang")
FIRST_OFFICIAL = 70_001
FIRST_CITIZEN = 80_001
SCHEDULER_SECONDS = 0.5
HUE = timedelta(hours=7)
Figures = dict[str, Any]


def settings() -> dict[str, dict[str, Any]]:
    """config.yml sections for the cluster: a quick scheduler, no digest, quick leases."""
    off_hour = ((datetime.now(UTC) + HUE).hour + 12) % 24  # twelve hours from now in Huế
    return {
        "officials": {"scheduler_interval_seconds": SCHEDULER_SECONDS, "digest_hour": off_hour},
        "delivery": {"poll_seconds": 0.05},
    }


def redis_env() -> dict[str, str]:
    """REDIS_URL for the processes, when Redis is there (the pacer's keys expire)."""
    database = os.environ.get("HUEBOT_TEST_REDIS_DB", "13")  # apart from other users' db 0
    return {"REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{database}"} if reachable(*REDIS) else {}


async def until(condition: Callable[[], Awaitable[bool]], timeout: float) -> None:
    """Wait (bounded) until the async ``condition()`` is true."""
    for _ in range(int(timeout / 0.2)):
        if await condition():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"condition not met within {timeout}s")


async def reminders(cluster: Cluster, fake: FakeTelegram, database: Database) -> Figures:
    """Deadline reminders due for 100 reports: how many arrived once, missing, twice."""
    now = datetime.now(UTC)
    author = await official(database, "ioc", FIRST_OFFICIAL - 1, now)
    codes: list[str] = []
    for index, unit in enumerate(UNITS):
        await official(database, unit, FIRST_OFFICIAL + index, now)
        codes += await due_reports(database, REPORTS // len(UNITS), unit, author, now)
    wanted = set(codes)

    def seen() -> Counter[str]:
        words = " ".join(fake.texts()).replace(".", " ").split()
        return Counter(w for w in words if w in wanted)

    started = time.perf_counter()

    async def all_seen() -> bool:
        return len(seen()) == len(wanted)

    await until(all_seen, timeout=180)
    took = time.perf_counter() - started
    await asyncio.sleep(3 * SCHEDULER_SECONDS * 2)  # six more passes in every process
    counts = seen()
    return {
        "reports": len(wanted),
        "delivered_once": sum(1 for n in counts.values() if n == 1),
        "missing": len(wanted - set(counts)),
        "duplicates": sum(n - 1 for n in counts.values()),
        "seconds_to_all": round(took, 1),
        "processes_alive": sum(1 for m in cluster.members if m.process.poll() is None),
    }


def update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A Telegram update: a private text message."""
    person = {"id": chat_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000, "text": text,
        "chat": {"id": chat_id, "type": "private"}, "from": person,
    }}  # fmt: skip


async def queue_rows(database: Database) -> list[Any]:
    """Every stored Telegram update: id, chat, status, attempts, when it was done."""
    row = models.ChannelUpdate  # one intake table for every messenger; position = update id
    query = select(
        row.position.label("update_id"), row.chat_key, row.status, row.attempts, row.done_at
    ).where(row.channel == "telegram", row.update_key.like(f"{BOT_ID}:%"))
    async with database.engine.connect() as conn:
        return list((await conn.execute(query)).all())


def out_of_order_chats(rows: list[Any]) -> int:
    """How many chats had an update finished before an earlier one of theirs."""
    by_chat: dict[str, list[Any]] = {}
    for r in sorted(rows, key=lambda r: r.update_id):
        by_chat.setdefault(str(r.chat_key), []).append(r.done_at)
    return sum(1 for done in by_chat.values() if done != sorted(done))


async def post_spread(cluster: Cluster, chats: int, per_chat: int) -> int:
    """Post ``per_chat`` ``/help`` updates from each chat, each to the next process in turn.

    A chat's updates go one after the other (as Telegram sends them), chats at once.

    Returns:
        How many were answered 200.
    """
    live: list[Member] = [m for m in cluster.members if not m.killed]
    members = cycle(live)
    plan = [[(1 + c * per_chat + i, FIRST_CITIZEN + c) for i in range(per_chat)]
            for c in range(chats)]  # fmt: skip
    targets = [[next(members) for _ in chat] for chat in plan]
    async with aiohttp.ClientSession() as http:

        async def one_chat(updates: list[tuple[int, int]], where: list[Member]) -> int:
            ok = 0
            for (update_id, chat_id), member in zip(updates, where, strict=True):
                body = update(update_id, chat_id, "/help")
                ok += await cluster.post_update(http, member, body) == 200
            return ok

        answers = await asyncio.gather(
            *(one_chat(u, t) for u, t in zip(plan, targets, strict=True))
        )
    return sum(answers)


def webhook(chats: int, per_chat: int, *, kill: bool) -> Callable[..., Awaitable[Figures]]:
    """Updates spread over the processes (one killed right after, if ``kill``)."""

    async def scenario(cluster: Cluster, fake: FakeTelegram, database: Database) -> Figures:
        total = chats * per_chat
        started = time.perf_counter()
        accepted = await post_spread(cluster, chats, per_chat)
        unfinished = -1
        if kill:
            cluster.kill(cluster.members[0])
            unfinished = sum(1 for r in await queue_rows(database) if r.status != "done")

        async def all_done() -> bool:
            rows = await queue_rows(database)
            return len(rows) == total and all(r.status == "done" for r in rows)

        await until(all_done, timeout=300)
        took = time.perf_counter() - started
        rows = await queue_rows(database)
        replies = [len(fake.delivered(FIRST_CITIZEN + c)) for c in range(chats)]
        return {
            "updates": total, "accepted": accepted,
            "done": sum(1 for r in rows if r.status == "done"),
            "claimed_more_than_once": sum(1 for r in rows if r.attempts > 1),
            "out_of_order_chats": out_of_order_chats(rows),
            "replies_per_chat_min": min(replies), "replies_per_chat_max": max(replies),
            "unfinished_at_kill": unfinished,
            "updates_per_second": round(total / took, 2),
        }  # fmt: skip

    return scenario
