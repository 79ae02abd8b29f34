"""The delivery worker: a pump per pushed channel, a recorder, upkeep and progress.

Upkeep runs every second or so: it renews the leases of the rows this worker holds,
makes rows whose lease ran out (a dead worker's) pending again, marks rows of expired
alerts, and forgets held rows that were cancelled meanwhile. On ``stop`` sends in flight
finish, results are written and unsent rows are handed back at once; every step of it
waits a bounded time and logs what it gave up waiting for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.channels.pacer import Pacer
from bot.channels.pacer_redis import live_processes, open_pacer
from bot.core.waiting import end_tasks
from bot.delivery.progress import ProgressReporter
from bot.delivery.pump import Pump
from bot.delivery.recorder import Recorder
from bot.delivery.senders import Poster, Sender
from bot.delivery.settings import DeliveryConfig, limits_of, redis_url
from bot.leases import holder_name
from storage.db import Database

log = logging.getLogger(__name__)

STOP_GRACE = 10.0
MAX_UPKEEP_SECONDS = 1.0


def worker_name() -> str:
    """A name unique to this process (it marks the rows it claims; see bot.leases)."""
    return holder_name()


class DeliveryWorker:
    """Sends the outbox: alerts first, at each messenger's rate, resumable after a crash."""

    def __init__(
        self, database: Database, config: DeliveryConfig, senders: Sequence[Sender],
        posters: Mapping[str, Poster], clock: Callable[[], datetime], name: str | None = None,
        pacers: Mapping[str, Pacer] | None = None,
    ) -> None:  # fmt: skip
        self.name = name or worker_name()
        self._db, self._config, self._clock, self._senders = database, config, clock, senders
        given = dict(pacers or {})
        own_senders = [s for s in senders if s.channel not in given]
        self._own = [s.channel for s in own_senders]
        url, processes = redis_url(config), live_processes(database)
        own = {  # keyed as the running channel's (``Running``): one window per bot
            s.channel: open_pacer(
                limits_of(config, s.channel), s.channel, url, processes, s.account
            )
            for s in own_senders
        }
        self.pacers: dict[str, Pacer] = {**own, **given}
        self.recorder = Recorder(database, config, clock)
        self.pumps = [
            Pump(s, self.pacers[s.channel], database, self.recorder, config, self.name, clock)
            for s in senders
        ]
        self.progress = ProgressReporter(
            database, posters, self.pacers, clock, config.progress_seconds
        )
        self._loops: list[asyncio.Task[None]] = []
        self._pumping: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Begin delivering in the background."""
        try:
            await self.upkeep()
        except Exception as exc:  # the store may be down: the loops will retry
            log.warning("delivery upkeep failed at start: %s", type(exc).__name__)
        loops = {
            "recorder": self.recorder.run(),
            "upkeep": self._every(self._upkeep_seconds, self.upkeep),
            "progress": self._every(self._config.progress_seconds, self.progress.tick),
        }
        self._loops = [
            asyncio.create_task(loop, name=f"delivery-{name}") for name, loop in loops.items()
        ]
        self._pumping = [
            asyncio.create_task(pump.run(), name=f"delivery-pump-{pump.channel}")
            for pump in self.pumps
        ]
        log.info("delivery worker %s started: %s", self.name, [p.channel for p in self.pumps])

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Finish what is in flight, record it, hand back the rest, close the senders.

        Each step waits at most ``grace`` seconds; what it gave up waiting for is logged
        (rows not handed back return when their lease runs out).
        """
        what = f"delivery worker {self.name}"
        await end_tasks(self._pumping, what, grace)  # no new sends
        unsent = [row for pump in self.pumps for row in await pump.stop(grace)]
        await end_tasks(self._loops, what, grace)
        handed = len(unsent)
        try:
            async with asyncio.timeout(grace):
                await self._hand_back(unsent)
        except Exception as exc:  # the store is down or slow: the leases run out by themselves
            handed = 0
            log.warning("%s: results and %d unsent rows not written back: %s",
                        what, len(unsent), type(exc).__name__)  # fmt: skip
        for sender in self._senders:
            await sender.close()
        for channel in self._own:  # the channels close the pacers they lent
            await self.pacers[channel].close()
        log.info("%s stopped (%d rows handed back)", what, handed)

    async def _hand_back(self, unsent: list[int]) -> None:
        await self.recorder.flush()
        async with self._db.unit_of_work() as store:
            await store.delivery.release(unsent, self._clock())

    @property
    def busy(self) -> bool:
        """True while rows are held or results wait to be written."""
        return any(pump.busy for pump in self.pumps) or self.recorder.backlog > 0

    async def upkeep(self) -> None:
        """Renew leases, reclaim dead workers' rows, expire rows, drop cancelled ones."""
        now = self._clock()
        lease = now + timedelta(seconds=self._config.lease_seconds)
        held = {row for pump in self.pumps for row in pump.held}
        async with self._db.unit_of_work() as store:
            await store.delivery.renew(self.name, lease)
            reclaimed = await store.delivery.reclaim_expired(now)
            expired = await store.delivery.expire_due(now)
            lost = await store.delivery.lost(self.name, held)
        for pump in self.pumps:
            pump.drop(lost)
        if reclaimed or expired:
            log.info("delivery: %d rows reclaimed, %d expired", reclaimed, expired)

    @property
    def _upkeep_seconds(self) -> float:
        return min(MAX_UPKEEP_SECONDS, self._config.lease_seconds / 3)

    async def _every(self, seconds: float, step: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await step()
            except Exception as exc:  # the store may be down for a while
                log.warning(
                    "delivery %s: %s", getattr(step, "__name__", "step"), type(exc).__name__
                )
