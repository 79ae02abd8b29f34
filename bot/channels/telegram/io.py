"""The Telegram adapter's calls: fetch files, answer and disarm buttons, send replies.

Replies are rendered by ``telegram.render`` and their buttons get callback tokens
from the store (one short transaction) before anything is sent. They go out through the
same client and the same pacer as the outbox's rows (``sender.py``), ahead of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import aiohttp
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.channels.buttons import issue_token
from bot.channels.pacer import Pacer, Priority
from bot.channels.telegram.bot import Backoff, Caller, Unavailable
from bot.channels.telegram.parse import ButtonPress, FileRef
from bot.channels.telegram.render import Outgoing, chosen, render
from bot.channels.telegram.sender import ApiError, TelegramApi
from bot.core import MediaStore
from handlers import Channel, PhotoProblem, PhotoRef, RejectedFile, Reply
from storage.db import Database

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
ATTEMPTS = 5  # network errors and 5xx, as the Caller does


class Blocked(Exception):
    """The chat blocked the bot (Telegram answered 403)."""


class TelegramIO:
    """Everything the channel asks of the Bot API while handling an update."""

    def __init__(
        self,
        bot: Bot,
        caller: Caller,
        database: Database,
        media: MediaStore,
        clock: Callable[[], datetime],
        max_download_bytes: int,
        api: TelegramApi,
        pacer: Pacer,
    ) -> None:
        self._bot, self._call, self._db, self._media = bot, caller, database, media
        self._clock, self._api, self.pacer = clock, api, pacer
        self._limit = min(max_download_bytes, media.max_bytes)

    async def fetch(self, files: tuple[FileRef, ...]) -> tuple[PhotoRef | RejectedFile, ...]:
        """Download and check each file (largest photo size, or an image document)."""
        return tuple([await self._fetch_one(ref) for ref in files])

    async def _fetch_one(self, ref: FileRef) -> PhotoRef | RejectedFile:
        if ref.size is not None and ref.size > self._limit:
            return RejectedFile(PhotoProblem.TOO_LARGE, ref.filename)
        try:
            file = await self._call("getFile", None, lambda: self._bot.get_file(ref.file_id))
            if file.file_size is not None and file.file_size > self._limit:
                return RejectedFile(PhotoProblem.TOO_LARGE, ref.filename)
            data = await self._call("downloadFile", None, file.download_as_bytearray)
        except BadRequest as exc:
            log.info("telegram file not fetched: %s", exc.message)
            too_big = "too big" in exc.message.lower()
            problem = PhotoProblem.TOO_LARGE if too_big else PhotoProblem.CORRUPT
            return RejectedFile(problem, ref.filename)
        return await self._media.accept(bytes(data), ref.filename)

    async def answer(self, chat_id: int, press: ButtonPress) -> None:
        """Stop the button's spinner (late answers are refused; that is fine)."""
        try:
            await self._call(
                "answerCallbackQuery",
                chat_id,
                lambda: self._bot.answer_callback_query(press.query_id),
            )
        except (BadRequest, Forbidden) as exc:
            log.info("telegram callback %s not answered: %s", press.query_id, type(exc).__name__)

    async def disarm(self, chat_id: int, press: ButtonPress) -> None:
        """Edit the pressed message so its buttons cannot be pressed again."""
        message_id = press.message_id
        if message_id is None:
            return
        text = chosen(press.message_text, press.label)
        try:
            if text is not None:
                await self._call("editMessageText", chat_id, lambda: self._bot.edit_message_text(
                    text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                ))  # fmt: skip
            else:
                await self._call("editMessageReplyMarkup", chat_id, lambda: (
                    self._bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
                ))  # fmt: skip
        except (BadRequest, Forbidden) as exc:
            log.info("telegram message %s/%s not edited: %s", chat_id, message_id, exc)

    async def send(self, chat_id: int, user_key: str, replies: list[Reply]) -> None:
        """Send replies in order; a message Telegram refuses is logged and skipped.

        Raises:
            Blocked: The chat blocked the bot; nothing more was sent.
            Unavailable: Telegram could not be reached (the update will be retried).
        """
        if not replies:
            return
        messages, tokens = await self._prepare(user_key, replies)
        for message in messages:
            if not (message.html or message.photo_sha256 or message.venue):
                continue
            try:
                await self._send_one(chat_id, user_key, message, tokens)
            except ApiError as exc:
                if exc.status == 403:
                    raise Blocked(str(chat_id)) from exc
                log.warning("telegram message to chat %s refused: %s", chat_id, exc.status)

    async def _prepare(
        self, user_key: str, replies: list[Reply]
    ) -> tuple[list[Outgoing], dict[str, str]]:
        """Render in the user's language; give every button a callback token."""
        now = self._clock()
        async with self._db.unit_of_work() as store:
            user = await store.users.find(Channel.TELEGRAM, user_key)
            language = user.language if user else "vi"
            messages = [out for reply in replies for out in render(reply, language)]
            tokens: dict[str, str] = {}
            for payload in (p for out in messages for p in out.payloads):
                if payload not in tokens:
                    tokens[payload] = await issue_token(
                        store.buttons, Channel.TELEGRAM, user_key, payload, now
                    )
        return messages, tokens

    async def _send_one(self, chat_id: int, user_key: str, out: Outgoing,
                        tokens: dict[str, str]) -> None:  # fmt: skip
        """One message through the channel's pacer, first in line; waits out 429s.

        Raises:
            ApiError: Telegram refused it for good (403, 400).
            Unavailable: Telegram could not be reached after all attempts.
        """
        backoff = Backoff()
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self.pacer.slot(user_key, Priority.REPLY):
                    await self._api.send(chat_id, out, tokens, False)
                return
            except ApiError as exc:
                if exc.status in (400, 403):
                    raise
                if exc.status == 429:
                    await self.pacer.pause(max(exc.retry_after, 1.0))
                    continue
                log.warning("telegram reply to chat %s: %s (attempt %d)", chat_id, exc.status,
                            attempt)  # fmt: skip
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("telegram reply to chat %s: %s (attempt %d)", chat_id,
                            type(exc).__name__, attempt)  # fmt: skip
            if attempt < ATTEMPTS:
                await self._call.sleep(backoff.next())
        raise Unavailable("sendMessage")
