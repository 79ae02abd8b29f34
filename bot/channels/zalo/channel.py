"""The Zalo channel of a running HueBot: webhook intake, event workers, token upkeep.

``start`` returns at once; a background task then seeds the tokens from the environment
(once), prunes old events, starts the workers that process stored events, and keeps the
access token fresh even when nothing is sent. The webhook route itself lives in
``bot/channels/zalo/webhook.py`` and only stores events; it works as soon as the app serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.channels import buttons as buttons_kit
from bot.channels.base import Channel
from bot.channels.gave_up import Apology
from bot.channels.intake import ChannelIntake, Worker
from bot.channels.pacer_redis import live_processes, open_pacer
from bot.channels.zalo.client import ZaloClient, ZaloHttp
from bot.channels.zalo.io import ZaloIO
from bot.channels.zalo.parse import parse_event
from bot.channels.zalo.pipeline import Pipeline
from bot.channels.zalo.render import Outgoing, render
from bot.channels.zalo.sender import ZaloSender
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.tokens import Sleep, TokenKeeper, TokenUnavailable
from bot.channels.zalo.webhook import Intake, open_windows
from bot.core import Services, utc_now
from bot.delivery.settings import limits_of, redis_url
from handlers import Channel as Messenger
from handlers import IncomingMessage, Reply
from storage.intake import Claimed

if TYPE_CHECKING:
    from bot.config import Runtime

log = logging.getLogger(__name__)

KEEP_FRESH_SECONDS = 300.0
RETRY_START_SECONDS = 5.0
STOP_GRACE = 10.0


class ZaloChannel(Channel[dict[str, Any], Outgoing]):
    """HueBot on a Zalo Official Account."""

    name = "zalo"

    def __init__(
        self, services: Services[Runtime], settings: ZaloSettings, *,
        clock: Callable[[], datetime] = utc_now, sleep: Sleep = asyncio.sleep,
        workers: int = 4, tick: float = 1.0, keep_fresh: float = KEEP_FRESH_SECONDS,
    ) -> None:  # fmt: skip
        self.settings, self._services, self._clock = settings, services, clock
        self.http = ZaloHttp()
        self.tokens = TokenKeeper(settings, services.database, self.http, clock, sleep=sleep)
        self.client = ZaloClient(settings, self.http, self.tokens)
        delivery = services.runtime.settings.delivery
        self.pacer = open_pacer(  # replies and the outbox share it
            limits_of(delivery, "zalo"), "zalo", redis_url(delivery),
            live_processes(services.database),
        )  # fmt: skip
        self.io = ZaloIO(
            self.client, services.database, services.media, clock, settings, self.pacer
        )
        apology = Apology(services.database, services.runtime.settings.city, "zalo", clock)
        self.queue = ChannelIntake(
            services.database, "zalo", clock, gave_up=apology, on_stored=open_windows
        )
        self.intake = Intake(settings, self.queue, clock)
        self._pipeline = Pipeline(services.inbox, services.database, self.io, clock)
        self._workers, self._tick, self._keep_fresh = workers, tick, keep_fresh
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.ready = asyncio.Event()

    def sender(self) -> ZaloSender:
        """The delivery worker's sender for this OA (it shares the channel's tokens)."""
        return ZaloSender(self.io, self._services.database, self.settings, self._clock)

    async def start(self) -> None:
        """Begin serving in the background."""
        self._task = asyncio.create_task(self._run(), name="zalo")

    async def stop(self) -> None:
        """Let the workers finish the event in hand, then close connections."""
        self._stopping.set()
        self.queue.wake()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_GRACE)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        await self.pacer.close()
        await self.http.close()

    async def parse(self, raw: dict[str, Any]) -> list[IncomingMessage]:
        """The message one Zalo event carries, images fetched and a button resolved."""
        message = await self._pipeline.message(parse_event(raw))
        return [] if message is None else [message]

    def render(self, reply: Reply, language: str) -> list[Outgoing]:
        """``reply`` as Zalo customer-service messages (``render.render``)."""
        return render(reply, language)

    async def send(self, user_key: str, replies: list[Reply]) -> None:
        """Send ``replies`` to the follower ``user_key``."""
        await self.io.send(user_key, replies)

    async def _run(self) -> None:
        try:
            await self._serve()
        except Exception:
            log.exception("zalo channel stopped")

    async def _serve(self) -> None:
        while not self._stopping.is_set():  # the store may not answer yet
            try:
                await self.tokens.bootstrap()
                await self._prune()
                break
            except Exception as exc:
                log.warning("zalo: start-up waits for the store: %s", type(exc).__name__)
                await self._pause(RETRY_START_SECONDS)
        workers = [Worker(self.queue, self._process, self._stopping, self._tick)
                   for _ in range(self._workers)]  # fmt: skip
        log.info("zalo: serving app %s", self.settings.app_id)
        self.ready.set()
        try:
            await asyncio.gather(*(worker.run() for worker in workers), self._upkeep())
        finally:
            await self.queue.commits.drain()
            await self.queue.release_held()

    async def _prune(self) -> None:
        """Forget old events and button texts."""
        await self.queue.prune()
        async with self._services.database.unit_of_work() as store:
            buttons = await store.buttons.prune(Messenger.ZALO, self._clock() - buttons_kit.KEEP)
        log.info("zalo: pruned %d old button texts", buttons)

    async def _process(self, batch: list[Claimed]) -> None:
        for event in batch:
            await self._pipeline.handle(parse_event(event.payload))

    async def _upkeep(self) -> None:
        """Refresh the access token ahead of expiry even when nothing is sent."""
        while not self._stopping.is_set():
            try:
                await self.tokens.keep_fresh()
            except TokenUnavailable as exc:
                log.error("zalo: no usable access token: %s", exc)
            except Exception as exc:  # the store is down: next round
                log.warning("zalo: token upkeep: %s", type(exc).__name__)
            await self._pause(self._keep_fresh)

    async def _pause(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when the channel stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
