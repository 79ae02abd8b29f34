"""Every message HueBot sends on Zalo: replies in a dialog, and the outbox's rows.

``ZaloIO`` renders replies (``zalo.render``), gives their buttons texts from the store
(a reply's in the update's own transaction) and sends them through the channel's pacer;
images go out as uploaded attachments (an upload's id is reused for the same photo).
Every message sent is counted against the citizen's reply window (``storage/zalo.py``
``ZaloWindows``), whichever path sent it; a citizen's new message opens it
(``open_windows``, when the webhook stores the event).

The delivery worker's ``ZaloSender`` follows ``bot/delivery/senders.py``. Zalo lets an
OA answer a citizen for free for 48 hours after their last message, at most 8 messages
per message (config: ``reply_window_hours``, ``replies_per_message``); anything else is
proactive and may be refused or billed. So a row's message is sent only while the
citizen's window is open (fed by the webhook and by every send); otherwise the row fails
at once with the reason, without calling Zalo, unless ``send_outside_window`` is set.
What Zalo refuses is ``FAILED`` with Zalo's code and message; -213 (the citizen does
not follow the OA) is ``BLOCKED``, -32 (too many calls) ``RATE_LIMITED``, an
unreachable Zalo or an unusable token ``RETRY``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.channels.buttons import issue_text
from bot.channels.http import slot
from bot.channels.pacer import Pacer
from bot.channels.pipeline import Unreachable, accept_file, chat_language
from bot.channels.zalo import ZaloSettings
from bot.channels.zalo.client import (
    IMAGE_TYPES,
    MAX_UPLOAD,
    NOT_FOLLOWING,
    RATE_LIMITED,
    TOKEN_ERRORS,
    Unavailable,
    ZaloClient,
    ZaloError,
)
from bot.channels.zalo.parse import ImageRef, Kind, parse_event
from bot.channels.zalo.render import Outgoing, image_body, info_request_body, render, text_body
from bot.core import MediaStore
from bot.delivery.senders import Lane, Outcome, Result
from handlers import Channel, PhotoRef, RejectedFile, Reply, reply_from_dict
from storage.db import Database
from storage.delivery import Claimed
from storage.intake import Stored
from storage.store import Store

log = logging.getLogger(__name__)

RATE_PAUSE = 60.0  # Zalo's -32 counts calls per minute


@dataclass(frozen=True, slots=True)
class Prepared:
    """One message ready to send, with the texts its buttons send back."""

    out: Outgoing
    buttons: tuple[str, ...] = ()


class ZaloIO:
    """Everything the channel asks of Zalo while handling an event or an outbox row."""

    def __init__(
        self, client: ZaloClient, database: Database, media: MediaStore,
        clock: Callable[[], datetime], settings: ZaloSettings, pacer: Pacer,
    ) -> None:  # fmt: skip
        self.client, self._db, self._media, self._clock = client, database, media, clock
        self._settings, self.pacer = settings, pacer
        self._limit = min(settings.max_download_bytes, media.max_bytes)
        self._attachments: dict[str, str] = {}

    async def fetch(self, images: tuple[ImageRef, ...]) -> tuple[PhotoRef | RejectedFile, ...]:
        """Download and check each image (size and type limits, then the media store)."""
        return tuple([
            await accept_file(self._media, ref.filename, ref.size, self._limit,
                              functools.partial(self.client.download, ref.url, self._limit))
            for ref in images
        ])  # fmt: skip

    async def prepare(self, user_key: str, replies: list[Reply]) -> list[Prepared]:
        """Render in the citizen's language; give every button its text."""
        async with self._db.unit_of_work() as store:
            language = await chat_language(store, Channel.ZALO, user_key)
            return await self.prepare_in(store, user_key, replies, language)

    async def prepare_in(
        self, store: Store, user_key: str, replies: list[Reply], language: str
    ) -> list[Prepared]:
        """Render in ``language``; give every button its text (in ``store``)."""
        now, prepared = self._clock(), []
        for out in (out for r in replies for out in render(r, language)):
            texts = [await issue_text(store.buttons, Channel.ZALO, user_key, c.label,
                                      c.payload, now) for c in out.buttons]  # fmt: skip
            prepared.append(Prepared(out, tuple(texts)))
        return prepared

    async def send_one(self, user_key: str, item: Prepared) -> str | None:
        """Send one message (the caller holds the pacer's slot); returns Zalo's message id
        (None: nothing to send, no photo).

        Raises:
            ZaloError: Zalo refused it.
            Unavailable: Zalo could not be reached.
        """
        if item.out.image_sha256:
            attachment = await self._attachment(item.out.image_sha256)
            if attachment is None:
                return None
            data = await self.client.send(image_body(user_key, attachment))
        else:
            data = await self.client.send(text_body(user_key, item.out.text, item.buttons))
        return str(data.get("message_id") or "sent")

    async def send(
        self, user_key: str, replies: list[Reply], ready: list[Prepared] | None = None
    ) -> None:  # fmt: skip
        """Answer a citizen's message: send the replies in order (``ready``: prepared in
        the update's transaction); a refused one is skipped.

        Each message goes through the channel's pacer first in line (a reply to someone
        who just wrote), the same pacer the outbox's messages wait in.

        Raises:
            Unreachable: The citizen does not follow the OA; nothing more was sent.
            Unavailable: Zalo could not be reached, or asked us to slow down.
        """
        if not replies:
            return
        sent = 0
        try:
            for item in ready if ready is not None else await self.prepare(user_key, replies):
                sent += await self._send_checked(user_key, item) is not None
        finally:
            await self.count(user_key, sent)

    async def _send_checked(self, user_key: str, item: Prepared) -> str | None:
        try:
            async with slot(user_key, None, self.pacer):
                return await self.send_one(user_key, item)
        except ZaloError as exc:
            if exc.code == NOT_FOLLOWING:
                raise Unreachable(user_key) from exc
            if exc.code == RATE_LIMITED:
                await self.pacer.pause(RATE_PAUSE)
            if exc.code == RATE_LIMITED or exc.code in TOKEN_ERRORS:
                raise Unavailable(str(exc)) from exc
            log.warning("zalo message to %s refused: %s", user_key, exc.code)
            return None

    async def request_info(self, user_key: str, language: str) -> None:
        """Send Zalo's form asking the citizen to share their name and phone."""
        body = info_request_body(user_key, language, self._settings.info_image_url)
        async with slot(user_key, None, self.pacer):
            await self.client.send(body)
        await self.count(user_key, 1)

    async def count(self, user_key: str, sent: int) -> None:
        """Count messages sent against the citizen's reply window (never raises)."""
        if sent <= 0:
            return
        try:
            async with self._db.unit_of_work() as store:
                await store.zalo_windows.count_sent(user_key, sent)
        except Exception as exc:  # a lost count must not resend anything
            log.warning("zalo: sends to %s not counted: %s", user_key, type(exc).__name__)

    async def _attachment(self, sha256: str) -> str | None:
        if sha256 in self._attachments:
            return self._attachments[sha256]
        path, kind = self._media.public_path(sha256), self._media.content_type(sha256)
        if path is None or kind not in IMAGE_TYPES:
            log.warning("zalo photo %s missing or not JPEG/PNG", sha256[:12])
            return None
        data = await asyncio.to_thread(path.read_bytes)
        if len(data) > MAX_UPLOAD:
            log.warning("zalo photo %s over Zalo's upload limit", sha256[:12])
            return None
        attachment = await self.client.upload_image(data, path.name, kind)
        self._attachments[sha256] = attachment
        return attachment


class ZaloSender:
    """Sends outbox rows to Zalo citizens within their reply window."""

    channel = "zalo"
    editable = False

    def __init__(
        self, io: ZaloIO, database: Database, settings: ZaloSettings,
        clock: Callable[[], datetime],
    ) -> None:  # fmt: skip
        self._io, self._db, self._settings, self._clock = io, database, settings, clock
        self.account = settings.app_id

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
            async with slot(user_key, throttle, self._io.pacer):
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


async def open_windows(store: Store, stored: list[Stored]) -> None:
    """A citizen's new message opens their reply window (in the storing transaction)."""
    for one in stored:
        if one.fresh and parse_event(one.arrival.payload).kind is Kind.MESSAGE:
            at = datetime.fromtimestamp(one.arrival.position / 1000, UTC)
            await store.zalo_windows.touch(one.arrival.chat_key or "", at)
