"""The delivery worker's Zalo sender: outbox rows to customer-service messages, in the window.

It follows ``bot/delivery/senders.py`` (``Sender`` and ``Poster``). Zalo lets an OA answer a
citizen for free for 48 hours after their last message, at most 8 messages per message
(config: ``reply_window_hours``, ``replies_per_message``); anything else is proactive and
may be refused or billed. So each message of a row is sent only while the citizen's
window is open (``storage/zalo.py`` ``ZaloWindows``, fed by the webhook and by every
send); otherwise the row fails at once with the reason, without calling Zalo, unless
``send_outside_window`` is set. What Zalo refuses is a ``FAILED`` result carrying Zalo's
code and message, so the worker records it instead of retrying for ever; -213 (the
citizen does not follow the OA) is ``BLOCKED``, -32 (too many calls) ``RATE_LIMITED``,
an unreachable Zalo or an unusable token ``RETRY``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.channels.zalo.client import (
    NOT_FOLLOWING,
    RATE_LIMITED,
    TOKEN_ERRORS,
    Unavailable,
    ZaloError,
)
from bot.channels.zalo.io import RATE_PAUSE, Prepared, ZaloIO
from bot.channels.zalo.render import Outgoing
from bot.channels.zalo.settings import ZaloSettings
from bot.delivery.senders import Lane, Outcome, Result
from handlers import reply_from_dict
from storage.db import Database
from storage.delivery import Claimed

log = logging.getLogger(__name__)


class ZaloSender:
    """Sends outbox rows to Zalo citizens within their reply window."""

    channel = "zalo"
    editable = False

    def __init__(
        self, io: ZaloIO, database: Database, settings: ZaloSettings,
        clock: Callable[[], datetime],
    ) -> None:  # fmt: skip
        self._io, self._db, self._settings, self._clock = io, database, settings, clock

    async def deliver(self, item: Claimed, throttle: Lane) -> Result:
        """Send one row's messages in order, from ``item.parts_done`` on."""
        replies = [reply_from_dict(r) for r in item.payload.get("replies", [])]
        try:
            messages = await self._io.prepare(item.user_key, replies)
        except Exception as exc:  # the store: try the row again later
            return Result(Outcome.RETRY, item.parts_done, f"zalo: {type(exc).__name__}")
        for index in range(item.parts_done, len(messages)):
            closed = await self.window_closed(item.user_key)
            if closed is not None:
                log.info("outbox %s: %s", item.id, closed)
                return Result(Outcome.FAILED, index, closed)
            async with throttle.slot(item.user_key):
                result = await self._send(item.user_key, messages[index], index)
            if result is not None:
                return result
        return Result(Outcome.SENT, len(messages))

    async def _send(self, user_key: str, message: Prepared, index: int) -> Result | None:
        try:
            sent = await self._io.send_one(user_key, message)
        except ZaloError as exc:
            return _result(exc, index)
        except Unavailable as exc:
            return Result(Outcome.RETRY, index, f"zalo: {exc}")
        await self._io.count(user_key, int(sent is not None))
        return None

    async def window_closed(self, user_key: str) -> str | None:
        """Why Zalo would not take a free message to this citizen now (None: it would)."""
        if self._settings.send_outside_window:
            return None
        async with self._db.unit_of_work() as store:
            window = await store.zalo_windows.get(user_key)
        settings, now = self._settings, self._clock()
        hours = settings.reply_window.total_seconds() / 3600
        if window is None:
            return "zalo: the citizen never wrote to the OA, no reply window"
        if now - window.last_interaction_at >= settings.reply_window:
            return f"zalo: outside the {hours:g} h reply window after the citizen's last message"
        if window.sent_since >= settings.replies_per_message:
            count = settings.replies_per_message
            return f"zalo: the {count} free replies to the citizen's last message are used"
        return None

    async def post(
        self, user_key: str, text: str, ref: str | None, throttle: Lane | None
    ) -> str | None:
        """Show a broadcaster their alert's progress: Zalo cannot edit, so the reporter
        posts at the start and at the end only (the returned message id says "posted")."""
        if await self.window_closed(user_key) is not None:
            return None
        try:
            async with self._io.paced(user_key, throttle):
                message_id = await self._io.send_one(user_key, Prepared(Outgoing(text)))
        except (ZaloError, Unavailable) as exc:
            log.info("zalo progress to %s not sent: %s", user_key, type(exc).__name__)
            return None
        await self._io.count(user_key, 1)
        return message_id

    async def close(self) -> None:
        """Nothing to release: the channel owns the HTTP session."""


def _result(exc: ZaloError, parts_done: int) -> Result:
    error = f"zalo {exc.code}: {exc.message}"[:500]
    if exc.code == RATE_LIMITED:
        return Result(Outcome.RATE_LIMITED, parts_done, error, RATE_PAUSE)
    if exc.code == NOT_FOLLOWING:
        return Result(Outcome.BLOCKED, parts_done, error)
    if exc.code in TOKEN_ERRORS:
        return Result(Outcome.RETRY, parts_done, error)
    return Result(Outcome.FAILED, parts_done, error)
