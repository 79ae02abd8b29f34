"""What the Telegram channel does with one read update: the same path as every channel.

Messages go to ``Inbox.receive`` (dedupe on ``"<bot id>:<update id>"``, one
transaction, the handlers) and the replies go back to the chat. Around that, only
Telegram's own duties: answer and disarm a pressed button, resolve its token, fetch
files, and track who blocked the bot. Whether an edit counts is the handlers' call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.channels.buttons import resolve_token
from bot.channels.telegram.io import Blocked, TelegramIO
from bot.channels.telegram.parse import Kind, TelegramInput, incoming
from bot.core import Inbox
from handlers import Channel, IncomingMessage
from storage.db import Database

log = logging.getLogger(__name__)

STALE = "telegram:stale"  # a token we do not know: the handlers say the button expired


class Pipeline:
    """Handles one update after it has been read."""

    def __init__(
        self,
        inbox: Inbox,
        database: Database,
        io: TelegramIO,
        bot_id: int,
        clock: Callable[[], datetime],
    ) -> None:
        self._inbox, self._db, self._io = inbox, database, io
        self._bot_id, self._clock = bot_id, clock

    async def handle(self, read: TelegramInput) -> None:
        """Process one update (or one album); raises when it should be tried again."""
        message = await self.message(read)
        if message is None:
            return
        outcome = await self._inbox.receive(message)
        try:
            await self._io.send(read.chat_id, read.user_key, outcome.replies)
        except Blocked:  # a person who blocked the bot, or a group that removed it
            log.info("telegram chat %s blocked the bot", read.chat_id)
            await self._set_reachable(read.user_key, False)

    async def message(self, read: TelegramInput) -> IncomingMessage | None:
        """The message a read update carries, files fetched and button resolved.

        None when the handlers need not see it: ignored, or (un)blocked.
        """
        if read.kind is Kind.IGNORED:
            log.debug("telegram update %s ignored", read.update_id)
            return None
        if read.kind in (Kind.BLOCKED, Kind.UNBLOCKED):
            await self._set_reachable(read.user_key, read.kind is Kind.UNBLOCKED)
            return None
        choice = await self._press(read) if read.press is not None else None
        files = await self._io.fetch(read.files)
        key = f"{self._bot_id}:{read.update_id}"
        return incoming(read, key, self._clock(), files, choice)

    async def _press(self, read: TelegramInput) -> str:
        press = read.press
        assert press is not None
        await self._io.answer(read.chat_id, press)
        async with self._db.unit_of_work() as store:
            payload = await resolve_token(
                store.buttons, Channel.TELEGRAM, read.user_key, press.token
            )
        await self._io.disarm(read.chat_id, press)
        if payload is None:
            log.info("telegram update %s: unknown button token", read.update_id)
        return payload or STALE

    async def _set_reachable(self, user_key: str, reachable: bool) -> None:
        async with self._db.unit_of_work() as store:
            known = await store.users.set_reachable(Channel.TELEGRAM, user_key, reachable)
        log.info("telegram user %s reachable=%s (known=%s)", user_key, reachable, known)
