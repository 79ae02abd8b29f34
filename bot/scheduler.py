"""Runs the time-driven handling (handlers/handling/deadlines.py) every minute, from the store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from bot.core.waiting import end_tasks
from bot.web.ops.metrics import SCHEDULED
from handlers import City, Context, Parser
from handlers.handling import deadlines
from storage.db import Database

log = logging.getLogger(__name__)

STOP_GRACE = 10.0  # seconds stop waits for a pass under way to end


class Scheduler:
    """A background loop; several processes may run it (marks and compare-and-set keep it once)."""

    def __init__(
        self,
        database: Database,
        city: City,
        nlu: Parser,
        clock: Callable[[], datetime],
        digest_hour: int,
        interval: float = 60.0,
    ) -> None:
        self._db, self._city, self._nlu, self._clock = database, city, nlu, clock
        self._digest_hour, self._interval = digest_hour, interval
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> deadlines.TickResult:
        """One pass, in one transaction."""
        async with self._db.unit_of_work() as store:
            ctx = Context(store=store, city=self._city, nlu=self._nlu, now=self._clock())
            result = await deadlines.tick(ctx, self._digest_hour)
        if result != deadlines.TickResult():
            log.info("scheduler: %s", result)
            for kind in ("reminded", "escalated", "digests", "closed_unrated"):
                SCHEDULED.labels(kind).inc(getattr(result, kind))
        return result

    def start(self) -> None:
        """Run in the background until ``stop``."""
        self._task = asyncio.create_task(self._run(), name="huebot-scheduler")

    async def stop(self) -> None:
        """Stop the loop."""
        if self._task is not None:
            await end_tasks([self._task], "scheduler", STOP_GRACE)

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception as exc:  # keep the loop alive; the next pass retries
                log.exception("scheduler pass failed: %s", type(exc).__name__)
            await asyncio.sleep(self._interval)
