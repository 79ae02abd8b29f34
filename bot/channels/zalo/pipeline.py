"""What the Zalo channel does with one stored event: the same path as every channel.

Messages go to ``Inbox.receive`` (dedupe on the event's ``msg_id``, one transaction, the
handlers) and the replies go back to the citizen. Around that, only Zalo's own duties:
turn a pressed button's text back into its payload, fetch images, follow who follows the
OA, and answer ``/sdt`` (or ``/phone``) with Zalo's form for sharing a phone number,
which the citizen may fill in and send (``user_submit_info``) or ignore.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.channels.buttons import resolve_text
from bot.channels.zalo.io import NotFollowing, ZaloIO
from bot.channels.zalo.parse import Kind, ZaloInput, incoming
from bot.core import Inbox
from handlers import Channel, IncomingMessage
from storage.db import Database

log = logging.getLogger(__name__)

INFO_COMMANDS = ("sdt", "phone")


class Pipeline:
    """Handles one event after it has been read."""

    def __init__(
        self, inbox: Inbox, database: Database, io: ZaloIO, clock: Callable[[], datetime]
    ) -> None:
        self._inbox, self._db, self._io, self._clock = inbox, database, io, clock

    async def handle(self, read: ZaloInput) -> None:
        """Process one event; raises when it should be tried again."""
        message = await self.message(read)
        if message is None:
            return
        outcome = await self._inbox.receive(message)
        try:
            await self._io.send(read.user_key, outcome.replies)
        except NotFollowing:
            log.info("zalo user %s does not follow the OA", read.user_key)
            await self._set_reachable(read.user_key, False)

    async def message(self, read: ZaloInput) -> IncomingMessage | None:
        """The message a read event carries, images fetched and button resolved.

        None when the handlers need not see it: ignored, (un)follow, or a request for
        Zalo's contact form (answered here).
        """
        if read.kind is Kind.IGNORED:
            log.debug("zalo event %s (%s) ignored", read.key, read.event)
            return None
        if read.kind in (Kind.FOLLOW, Kind.UNFOLLOW):
            await self._set_reachable(read.user_key, read.kind is Kind.FOLLOW)
            return None
        if read.command in INFO_COMMANDS:
            await self._io.request_info(read.user_key, await self._language(read.user_key))
            return None
        choice = await self._resolve(read)
        files = await self._io.fetch(read.images)
        return incoming(read, self._clock(), files, choice)

    async def _resolve(self, read: ZaloInput) -> str | None:
        """The payload of a pressed button (its text came back as the citizen's message).

        A citizen who writes is reachable again, whatever an unfollow said before.
        """
        async with self._db.unit_of_work() as store:
            await store.users.set_reachable(Channel.ZALO, read.user_key, True)
            if not read.text or read.command is not None:
                return None
            payload = await resolve_text(store.buttons, Channel.ZALO, read.user_key, read.text)
        if payload is not None:
            log.info("zalo event %s: a button was pressed", read.key)
        return payload

    async def _language(self, user_key: str) -> str:
        async with self._db.unit_of_work() as store:
            user = await store.users.find(Channel.ZALO, user_key)
        return user.language if user else "vi"

    async def _set_reachable(self, user_key: str, reachable: bool) -> None:
        async with self._db.unit_of_work() as store:
            known = await store.users.set_reachable(Channel.ZALO, user_key, reachable)
        log.info("zalo user %s reachable=%s (known=%s)", user_key, reachable, known)
