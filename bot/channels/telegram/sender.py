"""Every message HueBot sends on Telegram: the Bot API client, the replies, the outbox's sender.

``TelegramApi`` speaks the Bot API over one aiohttp session; the channel's ``Replies``
(a press's answer and the edit that disarms its buttons too) and the delivery worker's
``TelegramSender`` share it and the channel's pacer, replies first in line, buttons given
callback tokens first (a reply's in the update's own transaction). Not PTB: its
``send_message`` cost 2.8 ms of CPU against 0.1 ms for plain aiohttp. The sender's errors
are ``Result``s, never raised (429 with ``retry_after``, 403, 400, else retry). A photo is
uploaded once; later messages reuse its file_id."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp

from bot.channels.buttons import issue_tokens
from bot.channels.http import Backoff, Http, slot
from bot.channels.pacer import Pacer
from bot.channels.pipeline import Unreachable, chat_language
from bot.channels.telegram import TelegramSettings
from bot.channels.telegram.client import ApiError, Sleep, Unavailable, api_error
from bot.channels.telegram.render import Outgoing, escape, message_params, render, text_params
from bot.core import MediaStore
from bot.delivery.senders import Lane, Outcome, Result
from handlers import Channel, Reply, reply_from_dict
from storage.db import Database
from storage.delivery import Claimed
from storage.store import Store

log = logging.getLogger(__name__)

TELEGRAM = Channel.TELEGRAM
Ready = tuple[list[Outgoing], dict[str, str]]  # rendered messages, callback token by payload

NOT_MODIFIED = "message is not modified"
RENDERED_ALERTS = 32  # alerts whose rendered messages are kept (one payload per language)
ATTEMPTS = 5  # tries of a reply, an edit or an answer (429, 5xx, network), as the Caller's


class TelegramApi:
    """The Bot API over one aiohttp session: the one client of replies and outbox rows."""

    def __init__(
        self, settings: TelegramSettings, media: MediaStore, *, connections: int = 64,
        timeout: float = 30.0,
    ) -> None:  # fmt: skip
        self._base = f"{settings.api_base_url}{settings.token}/"
        self._media, self._http = media, Http(timeout, connections)
        self._file_ids: dict[str, str] = {}

    async def send(self, chat_id: int, out: Outgoing, tokens: dict[str, str], paid: bool) -> None:
        """Send one rendered message (text, photo or venue) with its buttons.

        Raises:
            ApiError: Telegram refused it (429, 403, 400...).
            aiohttp.ClientError, TimeoutError: Telegram could not be reached.
        """
        body = message_params(chat_id, out, tokens, paid)
        if out.venue is not None:
            await self.call("sendVenue", body)
            return
        if out.photo_sha256 and await self._send_photo(out, body):
            return
        if out.html:
            await self.call("sendMessage", {**body, **text_params(chat_id, out.html)})

    async def _send_photo(self, out: Outgoing, body: dict[str, Any]) -> bool:
        sha = str(out.photo_sha256)
        caption = {"caption": out.html} if out.html else {}
        if sha in self._file_ids:
            await self.call("sendPhoto", {**body, **caption, "photo": self._file_ids[sha]})
            return True
        path = self._media.public_path(sha)
        if path is None:
            log.warning("telegram photo %s missing from the media store", sha[:12])
            return False
        form = aiohttp.FormData()
        for key, value in {**body, **caption}.items():
            form.add_field(key, value if isinstance(value, str) else json.dumps(value))
        form.add_field("photo", await asyncio.to_thread(path.read_bytes), filename="photo.jpg")
        message = await self.call("sendPhoto", form)
        self._file_ids[sha] = str(message["photo"][-1]["file_id"])
        return True

    async def call(self, method: str, body: dict[str, Any] | aiohttp.FormData) -> Any:
        """One Bot API call; its ``result``.

        Raises:
            ApiError: The answer was ``ok: false`` (or not JSON).
        """
        session = self._http()
        kwargs = {"data": body} if isinstance(body, aiohttp.FormData) else {"json": body}
        async with session.post(f"{self._base}{method}", **kwargs) as response:
            try:
                answer = await response.json(content_type=None)
            except ValueError:
                raise ApiError(response.status, "not JSON") from None
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise api_error(response.status, answer)
        return answer["result"]

    async def close(self) -> None:
        """Close the HTTP session."""
        await self._http.close()


class TelegramSender:
    """Sends outbox rows to Telegram chats (through the channel's client when it lends one)."""

    channel = "telegram"
    editable = True

    def __init__(
        self, settings: TelegramSettings, database: Database, media: MediaStore,
        clock: Callable[[], datetime], *, paid_broadcast: bool = False,
        connections: int = 64, api: TelegramApi | None = None,
    ) -> None:  # fmt: skip
        self._owns_api, self.account = api is None, str(settings.bot_id)
        self.api = api or TelegramApi(settings, media, connections=connections)
        self._db, self._clock, self._paid = database, clock, paid_broadcast
        self._rendered: dict[tuple[int, str], list[Outgoing]] = {}

    async def deliver(self, item: Claimed, throttle: Lane) -> Result:
        """Send one row's messages in order, from ``item.parts_done`` on."""
        messages = self._messages(item)
        tokens = await self._tokens(item.user_key, messages)
        paid = self._paid and item.alert_id is not None
        for index in range(item.parts_done, len(messages)):
            try:
                async with throttle.slot(item.user_key):
                    await self.api.send(int(item.user_key), messages[index], tokens, paid)
            except ApiError as exc:
                return _result(exc, index)
            except (aiohttp.ClientError, TimeoutError) as exc:
                return Result(Outcome.RETRY, index, f"network: {type(exc).__name__}")
        return Result(Outcome.SENT, len(messages))

    def _messages(self, item: Claimed) -> list[Outgoing]:
        """The row's Telegram messages; an alert's are rendered once per language."""
        key = (item.alert_id, item.language) if item.alert_id is not None else None
        if key is not None and key in self._rendered:
            return self._rendered[key]
        replies = [reply_from_dict(r) for r in item.payload.get("replies", [])]
        messages = [m for r in replies for m in render(r, item.language) if not m.empty]
        if key is not None:
            if len(self._rendered) >= RENDERED_ALERTS:
                self._rendered.pop(next(iter(self._rendered)))
            self._rendered[key] = messages
        return messages

    async def post(
        self, user_key: str, text: str, ref: str | None, throttle: Lane | None
    ) -> str | None:
        """Edit message ``ref`` in the chat to show ``text`` (or send it if that fails)."""
        body = text_params(int(user_key), escape(text))
        if ref is not None:
            try:
                await self._paced(throttle, user_key, "editMessageText",
                                  {**body, "message_id": int(ref)})  # fmt: skip
                return ref
            except ApiError as exc:
                if exc.status == 429 and throttle is not None:
                    await throttle.pause(max(exc.retry_after, 1.0))
                if NOT_MODIFIED in exc.description or exc.status == 429:
                    return ref
                log.info("telegram progress message %s not edited: %s", ref, exc.status)
        message = await self._paced(throttle, user_key, "sendMessage", body)
        return str(message["message_id"])

    async def _paced(
        self, throttle: Lane | None, user_key: str, method: str, body: dict[str, Any]
    ) -> Any:
        async with slot(user_key, throttle):
            return await self.api.call(method, body)

    async def close(self) -> None:
        """Close the HTTP session (unless the channel lent it)."""
        if self._owns_api:
            await self.api.close()

    async def _tokens(self, user_key: str, messages: list[Outgoing]) -> dict[str, str]:
        """Callback tokens for the buttons (officials' notices have some; alerts none)."""
        if not (payloads := [p for m in messages for p in m.payloads]):
            return {}
        async with self._db.unit_of_work() as store:
            return await issue_tokens(store.buttons, TELEGRAM, user_key, payloads, self._clock())


class Replies:
    """The channel's answers to a chat that just wrote or pressed: first in the pacer's line."""

    def __init__(
        self, api: TelegramApi, pacer: Pacer, database: Database,
        clock: Callable[[], datetime], sleep: Sleep,
    ) -> None:  # fmt: skip
        self._api, self.pacer, self._db, self._clock = api, pacer, database, clock
        self._sleep = sleep

    async def send(self, user_key: str, replies: list[Reply], ready: Ready | None = None) -> None:
        """Send replies in order (``ready``: prepared in the update's transaction); one
        Telegram refuses is logged and skipped.

        Raises:
            Unreachable: The chat blocked the bot; nothing more was sent.
            Unavailable: Telegram could not be reached (the update will be retried).
        """
        if replies and ready is None:
            async with self._db.unit_of_work() as store:
                language = await chat_language(store, TELEGRAM, user_key)
                ready = await self.prepare(store, user_key, replies, language)
        messages, tokens = ready or ([], {})
        for message in (m for m in messages if not m.empty):
            try:
                await self._call(user_key, "sendMessage", self._api.send, int(user_key), message,
                                 tokens, False)  # fmt: skip
            except ApiError as exc:
                if exc.status == 403:
                    raise Unreachable(user_key) from exc
                log.warning("telegram message to chat %s refused: %s", user_key, exc.status)

    async def answer(self, query_id: str) -> None:
        """Stop a pressed button's spinner (late answers are refused; that is fine).

        No pacer slot: Telegram's limits (Bots FAQ, "My bot is hitting limits") count messages
        sent to chats; an answer sends none, it ends the presser's query, and the reference of
        answerCallbackQuery names no limit. A 429 is waited out here, the chats not paused.
        """
        try:
            await self._call(None, "answerCallbackQuery", self._api.call, "answerCallbackQuery",
                             {"callback_query_id": query_id})  # fmt: skip
        except ApiError as exc:
            log.info("telegram callback %s not answered: %s", query_id, exc.status)

    async def edit(self, user_key: str, method: str, body: dict[str, Any]) -> None:
        """Edit a message in the chat (a pressed one, disarmed: part of answering the press).

        A message to the chat like any other, first in the pacer's line; an edit Telegram
        refuses is logged and the handling goes on.
        """
        try:
            await self._call(user_key, method, self._api.call, method, body)
        except ApiError as exc:
            log.info("telegram message %s/%s not edited: %s", user_key, body["message_id"], exc)

    async def prepare(
        self, store: Store, user_key: str, replies: list[Reply], language: str
    ) -> Ready:
        """Render in ``language``; give every button a callback token (in ``store``)."""
        messages = [out for reply in replies for out in render(reply, language)]
        payloads = [p for m in messages for p in m.payloads]
        tokens = await issue_tokens(store.buttons, TELEGRAM, user_key, payloads, self._clock())
        return messages, tokens

    async def _call(
        self, chat: str | None, method: str, call: Callable[..., Awaitable[Any]], *args: Any
    ) -> Any:
        """``call(*args)``'s result, in the pacer's slot for ``chat`` (None: none), retried.

        A 429 pauses the pacer for its ``retry_after``; a call without a slot waits it out.

        Raises:
            ApiError: Telegram refused it for good (403, 400).
            Unavailable: Telegram could not be reached after all attempts.
        """
        backoff = Backoff()
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with slot(chat or "", None, self.pacer if chat else None):
                    return await call(*args)
            except ApiError as exc:
                if exc.status in (400, 403):
                    raise
                if exc.status == 429:
                    wait = max(exc.retry_after, 1.0)
                    await (self.pacer.pause(wait) if chat else self._sleep(wait))
                    continue
                error = str(exc.status)
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = type(exc).__name__
            log.warning("telegram %s to chat %s: %s (attempt %d)", method, chat, error, attempt)
            if attempt < ATTEMPTS:
                await self._sleep(backoff.next())
        raise Unavailable(method)


def _result(exc: ApiError, parts_done: int) -> Result:
    error = f"telegram {exc.status}: {exc.description}"
    if exc.status == 429:
        return Result(Outcome.RATE_LIMITED, parts_done, error, max(exc.retry_after, 1.0))
    if exc.status == 403:
        return Result(Outcome.BLOCKED, parts_done, error)
    if exc.status == 400:
        return Result(Outcome.FAILED, parts_done, error)
    return Result(Outcome.RETRY, parts_done, error)
