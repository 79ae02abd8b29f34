"""An alert to 3,000 people through three processes, against a strict fake Bot API.

The three processes' delivery workers share Telegram's limit (30 messages in any
sliding second for the bot) through the pacer's book in Redis. The fake answers 429 to
any message that would break the limit and records when each one arrived. Figures: the
combined rate against the limit, 429s, people missing, people who got it twice, and
(with ``kill``) the rows the killed process held in flight.

It needs the pacer shared between processes (``bot.channels.pacer_redis``) and the
fake's strict mode; where either is absent, ``available()`` says why and the figures
say "not run".
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bot.config import load_settings
from handlers.alerts.issue import draft, issue
from storage import models
from storage.db import Database
from tests.conftest import CONFIG
from tests.scale.cluster import Cluster
from tests.scale.scenarios import Figures, until
from tests.support.fake_telegram import FakeTelegram

LIMIT = 30
FIRST_CHAT = 200_001


def available() -> str | None:
    """Why the alert scenario cannot run here, or None when it can."""
    if importlib.util.find_spec("bot.channels.pacer_redis") is None:
        return "the pacer is not shared between processes (no bot.channels.pacer_redis)"
    if not hasattr(FakeTelegram, "strict"):
        return "the fake Bot API has no strict sliding-window mode"
    return None


def not_run() -> Figures:
    """The figures when the scenario cannot run."""
    return {"status": "not run", "reason": available()}


async def _issue(database: Database, people: int) -> None:
    now = datetime.now(UTC)
    async with database.unit_of_work() as store:
        for chat in range(FIRST_CHAT, FIRST_CHAT + people):
            await store.users.get_or_create("telegram", str(chat), now, language="vi")
    content = draft("Bão số 13", "Bão đổ bộ đêm nay, người dân ở trong nhà.",
                    severity="Severe", whole_city=True, wards=(), now=now,
                    sender="Thành phố Huế")  # fmt: skip
    async with database.unit_of_work() as store:
        issued = await issue(store, load_settings(CONFIG).city, content, now)
    assert issued.recipients == people


def _alert_calls(fake: FakeTelegram, people: int) -> list[Any]:
    last = FIRST_CHAT + people
    return [c for c in fake.delivered() if FIRST_CHAT <= int(c.params["chat_id"]) < last]


async def _held_by(database: Database, pid: int) -> int:
    box = models.Outbox
    query = select(func.count()).where(
        box.status == "sending", box.claimed_by.contains(f"-{pid}-")
    )
    async with database.engine.connect() as conn:
        return int((await conn.execute(query)).scalar_one())


def alert(people: int, *, kill: bool) -> Any:
    """The scenario: issue the alert, let the cluster send it (killing one, if ``kill``)."""

    async def scenario(cluster: Cluster, fake: FakeTelegram, database: Database) -> Figures:
        fake.strict(per_second=LIMIT)  # type: ignore[attr-defined]
        await _issue(database, people)
        in_flight = -1
        if kill:

            async def a_third() -> bool:
                return len(_alert_calls(fake, people)) >= people // 3

            await until(a_third, timeout=600)
            victim = cluster.members[0]
            cluster.kill(victim)
            in_flight = await _held_by(database, victim.process.pid)

        async def everyone() -> bool:
            return len({c.params["chat_id"] for c in _alert_calls(fake, people)}) >= people

        try:
            await until(everyone, timeout=900)
        except AssertionError as exc:
            got = len({c.params["chat_id"] for c in _alert_calls(fake, people)})
            raise AssertionError(
                f"{exc}: {got} of {people} reached, 429s {fake.violations}\n{cluster.logs()}"
            ) from None  # type: ignore[attr-defined]
        calls = _alert_calls(fake, people)
        times = sorted(c.at for c in calls)
        rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        counts = Counter(int(c.params["chat_id"]) for c in calls)
        return {
            "people": people, "limit_per_second": LIMIT,
            "combined_per_second": round(rate, 2), "of_limit": round(rate / LIMIT, 3),
            "rejected_429": fake.violations,  # type: ignore[attr-defined]
            "missing": people - len(counts), "duplicates": sum(n - 1 for n in counts.values()),
            "in_flight_at_kill": in_flight,
        }  # fmt: skip

    return scenario
