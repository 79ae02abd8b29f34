"""The Telegram channel of a running HueBot: PTB hosted inside our own intake.

``start`` returns at once; a background task then introduces the bot (getMe,
setMyCommands in Vietnamese and English; role holders' own menus: ``menus.py``), starts
the queue workers, and either registers the webhook (whose route is
``bot/channels/telegram/webhook.py``) or polls. Every
stored update goes through ``Application.process_update`` to one catch-all
``TypeHandler`` that reads it with ``parse_update``; there is no ConversationHandler,
the dialog lives in our store. Network trouble is retried; only a rejected token or
webhook URL stops the channel, and never the process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext, TypeHandler

from bot.channels import buttons as buttons_kit
from bot.channels.base import Channel
from bot.channels.gave_up import Apology
from bot.channels.intake import ChannelIntake, Worker
from bot.channels.pacer_redis import live_processes, open_pacer
from bot.channels.telegram.bot import Caller, Sleep, TelegramSettings, bot_commands
from bot.channels.telegram.bot import build_application as build_ptb
from bot.channels.telegram.io import TelegramIO
from bot.channels.telegram.menus import RoleMenus
from bot.channels.telegram.parse import (
    UPDATE_TYPES,
    Me,
    TelegramInput,
    arrival,
    ignored,
    merge_album,
)
from bot.channels.telegram.parse import parse_update as read_update
from bot.channels.telegram.pipeline import Pipeline
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.render import Outgoing, render
from bot.channels.telegram.sender import TelegramApi, TelegramSender
from bot.core import Services, utc_now
from bot.delivery.settings import limits_of, redis_url
from handlers import Channel as Messenger
from handlers import IncomingMessage, Reply
from storage.intake import Claimed

if TYPE_CHECKING:
    from bot.config import Runtime

log = logging.getLogger(__name__)



class TelegramChannel(Channel[dict[str, Any], Outgoing]):
    """HueBot on Telegram, by webhook or by polling."""

    name = "telegram"

    def __init__(
        self,
        services: Services[Runtime],
        settings: TelegramSettings,
        *,
        clock: Callable[[], datetime] = utc_now,
        sleep: Sleep = asyncio.sleep,
        workers: int = 4,
        tick: float = 1.0,
        menu_interval: float = 30.0,
    ) -> None:
        self.settings = settings
        self.application = build_ptb(settings)
        self.application.add_handler(TypeHandler(Update, self._read))
        self.caller = Caller(sleep)
        apology = Apology(services.database, services.runtime.settings.city, "telegram", clock)
        self.queue = ChannelIntake(
            services.database, "telegram", clock, album_wait=settings.album_wait,
            gave_up=apology, read=lambda raw: arrival(settings.bot_id, raw),
        )  # fmt: skip
        self._db, self._clock = services.database, clock
        delivery = services.runtime.settings.delivery
        self.pacer = open_pacer(  # replies and the outbox share it
            limits_of(delivery, "telegram"), "telegram", redis_url(delivery),
            live_processes(services.database),
        )  # fmt: skip
        self.api = TelegramApi(settings, services.media, connections=delivery.max_in_flight)
        self._services, self._clock = services, clock
        self._io = io = TelegramIO(
            self.application.bot, self.caller, services.database, services.media, clock,
            settings.max_download_bytes, self.api, self.pacer,
        )  # fmt: skip
        self.menus = RoleMenus(self.application.bot, services.database, self.caller, menu_interval)
        self._pipeline = Pipeline(services.inbox, services.database, io, settings.bot_id, clock)
        self._workers, self._tick = workers, tick
        self._me = Me(settings.bot_id, settings.bot_username or "")
        self._reads: dict[int, TelegramInput] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._workers_done: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self.ready = asyncio.Event()

    def sender(self) -> TelegramSender:
        """The delivery worker's sender: the channel's client (and pacer, see ``pacer``)."""
        services, delivery = self._services, self._services.runtime.settings.delivery
        return TelegramSender(
            self.settings, services.database, services.media, self._clock,
            paid_broadcast=delivery.telegram.paid_broadcast, api=self.api,
        )  # fmt: skip

    async def start(self) -> None:
        """Begin serving in the background."""
        self._tasks.append(asyncio.create_task(self._run(), name="telegram"))

    async def stop(self, grace: float = 10.0) -> None:
        """Let workers finish the update in hand, then stop everything and close PTB."""
        self._stopping.set()
        self.queue.wake()
        if self._workers_done:
            await asyncio.wait(self._workers_done, timeout=grace)
        await self._hand_back()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.pacer.close()
        await self.api.close()
        await self.application.shutdown()

    async def parse(self, raw: dict[str, Any]) -> list[IncomingMessage]:
        """The message one update carries, files fetched and a pressed button resolved."""
        message = await self._pipeline.message(await self._translate(raw))
        return [] if message is None else [message]

    def render(self, reply: Reply, language: str) -> list[Outgoing]:
        """``reply`` as Telegram messages (``render.render``)."""
        return render(reply, language)

    async def send(self, user_key: str, replies: list[Reply]) -> None:
        """Send ``replies`` to the chat ``user_key`` (a person's or a group's id)."""
        await self._io.send(int(user_key), user_key, replies)

    async def _run(self) -> None:
        await self._guarded(self._serve())

    async def _serve(self) -> None:
        bot = self.application.bot
        await self.caller.forever("getMe", self.application.initialize)
        self._me = Me(bot.id, bot.username)
        await self._prune()
        self._workers_done = [
            self._spawn(Worker(self.queue, self._process, self._stopping, self._tick).run())
            for _ in range(self._workers)
        ]
        await self._announce()
        self._spawn(self.menus.run(self._stopping))
        if self.settings.webhook:
            await self.caller.forever("setWebhook", lambda: bot.set_webhook(
                str(self.settings.webhook_url), secret_token=self.settings.webhook_secret,
                allowed_updates=list(UPDATE_TYPES),
            ))  # fmt: skip
        else:
            await self.caller.forever("deleteWebhook", bot.delete_webhook)
            poller = Poller(bot, self.queue, self.caller.sleep, self.settings.polling_timeout)
            self._spawn(poller.run())
        log.info("telegram: serving @%s by %s", bot.username,
                 "webhook" if self.settings.webhook else "polling")  # fmt: skip
        self.ready.set()

    def _spawn(self, job: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(self._guarded(job))
        self._tasks.append(task)
        return task

    async def _guarded(self, job: Coroutine[Any, Any, None]) -> None:
        try:
            await job
        except TelegramError as exc:
            log.error("telegram channel stopped: %s", exc)
        except Exception:
            log.exception("telegram channel stopped")

    async def _announce(self) -> None:
        """The command menu, in each language and by default in Vietnamese."""
        menus = bot_commands()
        for language, commands in [*menus.items(), (None, menus["vi"])]:

            async def set_menu(
                menu: list[BotCommand] = commands, lang: str | None = language
            ) -> bool:
                return bool(await self.application.bot.set_my_commands(menu, language_code=lang))

            await self.caller.forever("setMyCommands", set_menu)

    async def _prune(self) -> None:
        """Forget old updates and button tokens."""
        await self.queue.prune()
        async with self._db.unit_of_work() as store:
            before = self._clock() - buttons_kit.KEEP
            buttons = await store.buttons.prune(Messenger.TELEGRAM, before)
        log.info("telegram: pruned %d old button tokens", buttons)

    async def _hand_back(self) -> None:
        """Finish the shared commits and return what no worker took (never raises)."""
        try:
            await self.queue.commits.drain()
            await self.queue.release_held()
        except Exception as exc:  # the store is down: the leases run out by themselves
            log.warning("telegram: updates not handed back: %s", type(exc).__name__)

    async def _process(self, batch: list[Claimed]) -> None:
        reads = [await self._translate(item.payload) for item in batch]
        await self._pipeline.handle(merge_album(reads) if len(reads) > 1 else reads[0])

    async def _translate(self, raw: dict[str, Any]) -> TelegramInput:
        """Feed one stored update through PTB's dispatch to the catch-all handler."""
        update_id = int(raw.get("update_id", 0))
        try:
            update = Update.de_json(raw, self.application.bot)
        except Exception as exc:  # a shape PTB cannot read
            log.warning("telegram update %s unreadable: %s", update_id, type(exc).__name__)
            return ignored(update_id)
        await self.application.process_update(update)
        return self._reads.pop(update.update_id, ignored(update_id))

    async def _read(self, update: Update, _: CallbackContext[Any, Any, Any, Any]) -> None:
        self._reads[update.update_id] = read_update(update, self._me)
