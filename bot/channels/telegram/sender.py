"""The Bot API client of every message HueBot sends on Telegram, and the outbox's sender.

``TelegramApi`` speaks the Bot API directly over one aiohttp session (JSON bodies, the
same ``telegram.render`` for replies in a dialog and for outbox rows); the channel's
replies (``io.py``) and the delivery worker's ``TelegramSender`` share it and the
channel's pacer. python-telegram-bot is not used on this
path: measured on loopback, a PTB ``send_message`` cost about 2.8 ms of CPU against 0.1 ms
for a plain aiohttp request, which caps a process near 300 messages a second, well
below a paid broadcast's 1000. Errors come back as ``Result``s, never raised: 429 with
``retry_after``, 403 (blocked), 400 (refused for good), anything else (try again later).
A photo is uploaded once; later messages reuse the file_id Telegram gave it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp

from bot.channels.buttons import issue_token
from bot.channels.telegram.bot import TelegramSettings
from bot.channels.telegram.render import Outgoing, escape, markup, render
from bot.core import MediaStore
from bot.delivery.senders import Lane, Outcome, Result
from handlers import Channel, Venue, reply_from_dict
from storage.db import Database
from storage.delivery import Claimed

log = logging.getLogger(__name__)

NO_PREVIEW = {"is_disabled": True}
NOT_MODIFIED = "message is not modified"
RENDERED_ALERTS = 32  # alerts whose rendered messages are kept (one payload per language)


class ApiError(Exception):
    """The Bot API answered ``ok: false``."""

    def __init__(self, status: int, description: str, retry_after: float = 0.0) -> None:
        super().__init__(f"{status} {description}")
        self.status, self.description, self.retry_after = status, description, retry_after


class TelegramApi:
    """The Bot API over one aiohttp session: the one client of replies and outbox rows."""

    def __init__(
        self, settings: TelegramSettings, media: MediaStore, *, connections: int = 64,
        timeout: float = 30.0,
    ) -> None:  # fmt: skip
        self._base = f"{settings.api_base_url}{settings.token}/"
        self._media, self._connections = media, connections
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._file_ids: dict[str, str] = {}

    async def send(self, chat_id: int, out: Outgoing, tokens: dict[str, str], paid: bool) -> None:
        """Send one rendered message (text, photo or venue) with its buttons.

        Raises:
            ApiError: Telegram refused it (429, 403, 400...).
            aiohttp.ClientError, TimeoutError: Telegram could not be reached.
        """
        if out.venue is not None:
            await self.call("sendVenue", {"chat_id": chat_id, **_venue(out.venue, paid)})
            return
        body: dict[str, Any] = {"chat_id": chat_id, "parse_mode": "HTML"}
        keyboard = markup(out, tokens)
        if keyboard is not None:
            body["reply_markup"] = keyboard.to_dict()
        if paid:
            body["allow_paid_broadcast"] = True
        if out.photo_sha256 and await self._send_photo(out, body):
            return
        if out.html:
            await self.call("sendMessage", {**body, "text": out.html,
                                            "link_preview_options": NO_PREVIEW})  # fmt: skip

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
            raise _api_error(response.status, answer)
        return answer["result"]

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        return self._session


class TelegramSender:
    """Sends outbox rows to Telegram chats (through the channel's client when it lends one)."""

    channel = "telegram"
    editable = True

    def __init__(
        self, settings: TelegramSettings, database: Database, media: MediaStore,
        clock: Callable[[], datetime], *, paid_broadcast: bool = False,
        connections: int = 64, api: TelegramApi | None = None,
    ) -> None:  # fmt: skip
        self._owns_api = api is None
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
        messages = [
            m for r in replies for m in render(r, item.language)
            if m.html or m.photo_sha256 or m.venue
        ]  # fmt: skip
        if key is not None:
            if len(self._rendered) >= RENDERED_ALERTS:
                self._rendered.pop(next(iter(self._rendered)))
            self._rendered[key] = messages
        return messages

    async def post(
        self, user_key: str, text: str, ref: str | None, throttle: Lane | None
    ) -> str | None:
        """Edit message ``ref`` in the chat to show ``text`` (or send it if that fails)."""
        body: dict[str, Any] = {"chat_id": int(user_key), "text": escape(text)}
        body.update(parse_mode="HTML", link_preview_options=NO_PREVIEW)
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
        if throttle is None:
            return await self.api.call(method, body)
        async with throttle.slot(user_key):
            return await self.api.call(method, body)

    async def close(self) -> None:
        """Close the HTTP session (unless the channel lent it)."""
        if self._owns_api:
            await self.api.close()

    async def _tokens(self, user_key: str, messages: list[Outgoing]) -> dict[str, str]:
        """Callback tokens for the buttons (officials' notices have some; alerts none)."""
        payloads = list(dict.fromkeys(p for m in messages for p in m.payloads))
        if not payloads:
            return {}
        now = self._clock()
        async with self._db.unit_of_work() as store:
            buttons = store.buttons
            return {
                p: await issue_token(buttons, Channel.TELEGRAM, user_key, p, now) for p in payloads
            }


def _venue(venue: Venue, paid: bool) -> dict[str, Any]:
    """sendVenue's parameters for a place (a paid broadcast's too)."""
    body: dict[str, Any] = {"latitude": venue.latitude, "longitude": venue.longitude,
                            "title": venue.title, "address": venue.address}  # fmt: skip
    return {**body, "allow_paid_broadcast": True} if paid else body


def _api_error(status: int, answer: Any) -> ApiError:
    answer = answer if isinstance(answer, dict) else {}
    code = int(answer.get("error_code") or status)
    retry = float((answer.get("parameters") or {}).get("retry_after") or 0)
    return ApiError(code, str(answer.get("description") or status), retry)


def _result(exc: ApiError, parts_done: int) -> Result:
    error = f"telegram {exc.status}: {exc.description}"
    if exc.status == 429:
        return Result(Outcome.RATE_LIMITED, parts_done, error, max(exc.retry_after, 1.0))
    if exc.status == 403:
        return Result(Outcome.BLOCKED, parts_done, error)
    if exc.status == 400:
        return Result(Outcome.FAILED, parts_done, error)
    return Result(Outcome.RETRY, parts_done, error)
