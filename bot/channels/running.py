"""What every messenger's channel runs in the background, written once.

``Running`` holds a channel's durable intake (with the apology for an update given up),
its pacer (replies and outbox rows share it, through Redis when configured), the
workers that drain the intake, and any other background task the channel starts. It
prunes old updates and button tokens at start and, at stop, lets the workers finish
the update in hand, commits what is pending, hands back what no worker took and ends
the rest, each step waiting a bounded time and logging what it gave up on. A channel
composes one; it adds only what its platform needs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.channels import buttons
from bot.channels.gave_up import Apology
from bot.channels.intake import ChannelIntake, Process, Worker
from bot.channels.pacer_redis import live_processes, open_pacer
from bot.core import Services
from bot.core.waiting import end_tasks, wait_event
from bot.delivery.settings import limits_of, redis_url
from handlers import Channel as Messenger

if TYPE_CHECKING:
    from bot.config import Runtime

log = logging.getLogger(__name__)


class Running:
    """One channel's intake, pacer, workers and background tasks."""

    def __init__(
        self, services: Services[Runtime], channel: Messenger, clock: Callable[[], datetime],
        *, workers: int = 4, tick: float = 1.0, account: str = "", **intake: Any,
    ) -> None:  # fmt: skip
        name, database = channel.value, services.database
        self.channel, self._db, self._clock = channel, database, clock
        apology = Apology(database, services.runtime.settings.city, name, clock)
        self.queue = ChannelIntake(database, name, clock, gave_up=apology, **intake)
        delivery = services.runtime.settings.delivery
        self.pacer = open_pacer(  # ``account``: the bot the platform counts the limit of
            limits_of(delivery, name), name, redis_url(delivery), live_processes(database),
            account,
        )  # fmt: skip
        self.stopping = asyncio.Event()
        self.ready = asyncio.Event()
        self._workers, self._tick = workers, tick
        self._tasks: list[asyncio.Task[None]] = []
        self._workers_done: list[asyncio.Task[None]] = []

    def spawn(
        self, job: Coroutine[Any, Any, None], quiet: tuple[type[Exception], ...] = ()
    ) -> asyncio.Task[None]:
        """Run ``job`` in the background; an error ends it with a log line, never the process.

        Errors of the ``quiet`` types (a platform refusing for good) are logged without
        a traceback.
        """
        task = asyncio.create_task(self._guarded(job, quiet), name=self.channel.value)
        self._tasks.append(task)
        return task

    async def _guarded(
        self, job: Coroutine[Any, Any, None], quiet: tuple[type[Exception], ...]
    ) -> None:
        try:
            await job
        except quiet as exc:
            log.error("%s channel stopped: %s", self.channel.value, exc)
        except Exception:
            log.exception("%s channel stopped", self.channel.value)

    def start_workers(self, process: Process) -> None:
        """The workers that process stored updates, ``process`` called with each batch."""
        self._workers_done = [
            self.spawn(Worker(self.queue, process, self.stopping, self._tick).run())
            for _ in range(self._workers)
        ]

    async def prune(self) -> None:
        """Forget old updates and button tokens."""
        await self.queue.prune()
        async with self._db.unit_of_work() as store:
            before = self._clock() - buttons.KEEP
            pruned = await store.buttons.prune(self.channel, before)
        log.info("%s: pruned %d old button tokens", self.channel.value, pruned)

    async def pause(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when the channel stops."""
        await wait_event(self.stopping, seconds)

    async def stop(self, grace: float = 10.0) -> None:
        """Let workers finish the update in hand, hand back the rest, end every task.

        Each step waits at most ``grace`` seconds; what it gave up waiting for is logged
        (updates not handed back return when their lease runs out).
        """
        self.stopping.set()
        self.queue.wake()
        name = self.channel.value
        if self._workers_done:
            _, busy = await asyncio.wait(self._workers_done, timeout=grace)
            if busy:
                log.warning("%s: %d worker(s) still busy after %.1fs", name, len(busy), grace)
        await self._hand_back(grace)
        await end_tasks(self._tasks, f"{name} channel", grace)
        await self.pacer.close()

    async def _hand_back(self, grace: float) -> None:
        """Finish the shared commits and return what no worker took (never raises)."""
        name = self.channel.value
        if not await self.queue.commits.drain(grace):
            log.error("%s: gave up waiting %.1fs for the group commit", name, grace)
        try:
            async with asyncio.timeout(grace):
                await self.queue.release_held()
        except Exception as exc:  # the store is down or slow: the leases run out by themselves
            log.warning("%s: updates not handed back: %s", name, type(exc).__name__)
