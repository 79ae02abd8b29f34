"""Helpers for the poisoned-update tests: fake time to each retry, the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storage import models
from tests.support.clock import FakeClock

MAX_FAKE_SECONDS = 600.0


async def next_retry(database: Any, table: Any) -> datetime | None:
    """When the earliest update put back for a retry (held by no worker) is due."""
    query = select(func.min(table.next_at)).where(
        table.status == "pending", table.lease_owner.is_(None), table.next_at.is_not(None)
    )
    async with database.engine.connect() as conn:
        value = await conn.scalar(query)
    return models.When.process_result_value(value, None) if value is not None else None


async def fake_seconds_until(
    condition: Callable[[], bool], clock: FakeClock, wake: Callable[[], None], database: Any,
    table: Any,
) -> float:  # fmt: skip
    """Jump the fake clock to each retry until ``condition``; the fake seconds that took.

    The figure is exactly the backoff the queue imposed, whatever the machine's speed.
    """
    waited = 0.0
    for _ in range(500):
        if condition():
            return waited
        due = await next_retry(database, table)
        if due is not None and due > clock():
            step = (due - clock()).total_seconds() + 0.001  # due means strictly past
            waited += step
            assert waited <= MAX_FAKE_SECONDS, f"still waiting after {waited} fake seconds"
            clock.advance(seconds=step)
            wake()
        await asyncio.sleep(0.02)
    raise AssertionError("not done within 10 real seconds")


async def outbox_texts(database: Any, channel: str, external_id: str) -> list[str]:
    """The texts queued in the outbox for one chat."""
    query = (
        select(models.Outbox.payload)
        .join(models.User, models.User.id == models.Outbox.user_id)
        .where(models.User.channel == channel, models.User.external_id == external_id)
    )
    async with database.engine.connect() as conn:
        payloads = (await conn.execute(query)).scalars().all()
    return [r["text"] for p in payloads for r in p["replies"]]
