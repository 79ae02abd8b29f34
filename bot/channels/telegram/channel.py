"""The Telegram channel of a running HueBot: its webhook route, its pipeline, its start-up.

The route (``/telegram/webhook``) does no work beyond one idempotent insert into the
shared intake (``bot/channels/intake.py``): 200 once the update is committed, 503 when
it could not be (Telegram then delivers it again), 401 without touching anything when
the ``X-Telegram-Bot-Api-Secret-Token`` header is missing or wrong, 413 as soon as the
body passes ``MAX_BODY`` (chunked or not), 400 when it is not JSON or nests too deep.

``start`` returns at once; a background task then introduces the bot (getMe, the
citizen's command menu, role holders' own menus), starts the intake's workers, and
either registers the webhook or polls. Every stored update goes through
``Application.process_update`` to one catch-all ``TypeHandler`` that reads it with
``parse_update``; there is no ConversationHandler, the dialog lives in our store. Then
the kit's pipeline (``bot/channels/pipeline.py``) takes it, with Telegram's own duties
around: answer and disarm a pressed button (by ``Replies``, the one path of all that is
sent), resolve its token, fetch files. Network trouble is retried; only a rejected token
or webhook URL stops the channel, never the process.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext, TypeHandler

from bot.channels.base import Channel
from bot.channels.buttons import resolve_token
from bot.channels.intake import ChannelIntake, IntakeUnavailable
from bot.channels.pipeline import Pipeline
from bot.channels.running import Running
from bot.channels.telegram import TelegramSettings
from bot.channels.telegram.client import BotCalls, Caller, Poller, RoleMenus, Sleep
from bot.channels.telegram.client import build_application as build_ptb
from bot.channels.telegram.parse import (
    UPDATE_TYPES,
    Kind,
    Me,
    TelegramInput,
    ignored,
    incoming,
    merge_album,
    parse_update,
)
from bot.channels.telegram.render import Outgoing, disarming, render
from bot.channels.telegram.sender import Ready, Replies, TelegramApi, TelegramSender
from bot.core import Outcome, Services, utc_now
from bot.core.body import BadJson, BodyTooLarge, parse_json, read_bounded
from handlers import Channel as Messenger
from handlers import IncomingMessage, Reply
from storage.intake import Arrival, Claimed
from storage.store import Store

if TYPE_CHECKING:
    from bot.config import Runtime

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # updates are a few kilobytes; files are fetched separately
STALE = "telegram:stale"  # a token we do not know: the handlers say the button expired
QUEUE = web.AppKey("telegram_queue", ChannelIntake)
SECRET = web.AppKey("telegram_secret", bytes)


def setup(app: web.Application, queue: ChannelIntake, secret: str) -> None:
    """Add the webhook route to ``app``.

    Raises:
        ValueError: ``secret`` is empty (the route never runs unauthenticated).
    """
    if not secret:
        raise ValueError("the Telegram webhook needs a secret token")
    app[QUEUE], app[SECRET] = queue, secret.encode()
    app.router.add_post(WEBHOOK_PATH, receive)


async def receive(request: web.Request) -> web.Response:
    """One update from Telegram."""
    header = request.headers.get(SECRET_HEADER)
    if not header or not hmac.compare_digest(header.encode(), request.app[SECRET]):
        log.warning("telegram webhook: request without the right secret refused")
        return web.Response(status=401)
    try:
        raw = parse_json(await read_bounded(request, MAX_BODY))
    except BodyTooLarge:
        return web.Response(status=413)
    except BadJson:
        return web.Response(status=400)
    if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
        return web.Response(status=400)
    try:
        await request.app[QUEUE].store_raw([raw])
    except IntakeUnavailable:
        return web.Response(status=503)
    return web.Response(status=200)


def arrival(bot_id: int, raw: dict[str, Any]) -> Arrival:
    """A raw update as the intake keeps it: keyed ``"<bot id>:<update id>"``, in order."""
    update_id = int(raw["update_id"])
    key, group = queue_keys(raw)
    return Arrival(f"{bot_id}:{update_id}", key, update_id, raw, group)


def queue_keys(raw: dict[str, Any]) -> tuple[str | None, str | None]:
    """(ordering key, media group id) of a raw update: the sender, and the album if any.

    In a group the key is the group (its dialog is shared, so its updates go in order).
    Read from the JSON directly so the webhook can store an update without parsing it.
    """
    for name in UPDATE_TYPES:
        body = raw.get(name)
        if isinstance(body, dict):
            sender = _group_chat(body) or body.get("from") or body.get("chat") or {}
            user_id = sender.get("id") if isinstance(sender, dict) else None
            group = body.get("media_group_id")
            key = str(user_id) if isinstance(user_id, int) else None
            return key, (str(group)[:64] if group else None)
    return None, None


def _group_chat(body: dict[str, Any]) -> Any:
    message = body.get("message")  # a callback query's message
    chat = (message if isinstance(message, dict) else body).get("chat")
    private = not isinstance(chat, dict) or chat.get("type") in ("private", None)
    return None if private else chat


class TelegramPipeline(Pipeline[TelegramInput]):
    """One read update (or album): Telegram's duties, then the kit's path."""

    channel = Messenger.TELEGRAM

    def __init__(
        self, services: Services[Runtime], calls: BotCalls, replies: Replies, bot_id: int,
        clock: Callable[[], datetime],
    ) -> None:  # fmt: skip
        super().__init__(services.inbox, services.database, clock)
        self._calls, self._replies, self._bot_id = calls, replies, bot_id

    async def message(self, read: TelegramInput) -> IncomingMessage | None:
        """The message, files fetched and button resolved; None: ignored, or (un)blocked."""
        if read.kind is Kind.IGNORED:
            log.debug("telegram update %s ignored", read.update_id)
            return None
        if read.kind in (Kind.BLOCKED, Kind.UNBLOCKED):
            await self.set_reachable(read.user_key, read.kind is Kind.UNBLOCKED)
            return None
        choice = await self._press(read) if read.press is not None else None
        files = await self._calls.fetch(read.files)
        return incoming(read, f"{self._bot_id}:{read.update_id}", self.clock(), files, choice)

    async def prepare(
        self, store: Store, user_key: str, replies: list[Reply], language: str
    ) -> Ready:
        """Rendered, with button tokens, in the update's own transaction."""
        return await self._replies.prepare(store, user_key, replies, language)

    async def send(self, read: TelegramInput, outcome: Outcome) -> None:
        """The replies, to the chat the update came from."""
        await self._replies.send(read.user_key, outcome.replies, outcome.prepared)

    async def _press(self, read: TelegramInput) -> str:
        press = read.press
        assert press is not None
        await self._replies.answer(press.query_id)
        async with self.db.unit_of_work() as store:
            payload = await resolve_token(store.buttons, self.channel, read.user_key, press.token)
        edit = disarming(read.chat_id, press)
        if edit is not None:
            await self._replies.edit(read.user_key, *edit)
        if payload is None:
            log.info("telegram update %s: unknown button token", read.update_id)
        return payload or STALE


class TelegramChannel(Channel[dict[str, Any], Outgoing]):
    """HueBot on Telegram, by webhook or by polling."""

    name = "telegram"

    def __init__(
        self, services: Services[Runtime], settings: TelegramSettings, *,
        clock: Callable[[], datetime] = utc_now, sleep: Sleep = asyncio.sleep,
        workers: int = 4, tick: float = 1.0, menu_interval: float = 30.0,
    ) -> None:  # fmt: skip
        self.settings, self._services, self._clock = settings, services, clock
        self.application = build_ptb(settings)
        self.application.add_handler(TypeHandler(Update, self._read))
        self.caller = Caller(sleep)
        self.running = Running(
            services, Messenger.TELEGRAM, clock, workers=workers, tick=tick,
            account=str(settings.bot_id), album_wait=settings.album_wait,
            read=lambda raw: arrival(settings.bot_id, raw),
        )  # fmt: skip
        running = self.running
        self.queue, self.pacer, self.ready = running.queue, running.pacer, running.ready
        delivery = services.runtime.settings.delivery
        self.api = TelegramApi(settings, services.media, connections=delivery.max_in_flight)
        bot, database = self.application.bot, services.database
        self._replies = Replies(self.api, self.pacer, database, clock, sleep)
        calls = BotCalls(bot, self.caller, services.media, settings.max_download_bytes)
        self.menus = RoleMenus(bot, database, self.caller, menu_interval)
        self._pipeline = TelegramPipeline(services, calls, self._replies, settings.bot_id, clock)
        self._me = Me(settings.bot_id, settings.bot_username or "")
        self._reads: dict[int, TelegramInput] = {}

    def sender(self) -> TelegramSender:
        """The delivery worker's sender: the channel's client (and pacer, see ``pacer``)."""
        services, delivery = self._services, self._services.runtime.settings.delivery
        return TelegramSender(
            self.settings, services.database, services.media, self._clock,
            paid_broadcast=delivery.telegram.paid_broadcast, api=self.api,
        )  # fmt: skip

    async def start(self) -> None:
        """Begin serving in the background."""
        self.running.spawn(self._serve(), quiet=(TelegramError,))

    async def stop(self, grace: float = 10.0) -> None:
        """Let workers finish the update in hand, then stop everything and close PTB."""
        await self.running.stop(grace)
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
        await self._replies.send(user_key, replies)

    async def _serve(self) -> None:
        bot, settings, running = self.application.bot, self.settings, self.running
        await self.caller.forever("getMe", self.application.initialize)
        self._me = Me(bot.id, bot.username)
        await running.prune()
        running.start_workers(self._process)
        await self.menus.announce()
        running.spawn(self.menus.run(running.stopping))
        if settings.webhook:
            await self.caller.forever("setWebhook", lambda: bot.set_webhook(
                str(settings.webhook_url), secret_token=settings.webhook_secret,
                allowed_updates=list(UPDATE_TYPES),
            ))  # fmt: skip
        else:
            await self.caller.forever("deleteWebhook", bot.delete_webhook)
            poller = Poller(bot, self.queue, self.caller.sleep, settings.polling_timeout)
            running.spawn(poller.run(), quiet=(TelegramError,))
        log.info("telegram: serving @%s by %s", bot.username,
                 "webhook" if settings.webhook else "polling")  # fmt: skip
        self.ready.set()

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
        self._reads[update.update_id] = parse_update(update, self._me)
