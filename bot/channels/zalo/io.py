"""The Zalo adapter's calls: fetch citizens' images, render and send replies, count them.

Replies are rendered by ``zalo.render``; their buttons get their texts from the store
(one short transaction) before anything is sent. Every message sent is counted against
the citizen's reply window (``storage/zalo.py`` ``ZaloWindows``), whichever path sent it.
Images go out as uploaded attachments; an upload's id is reused for the same photo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.channels.buttons import issue_text
from bot.channels.pacer import Limits, Pacer, Priority
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
from bot.channels.zalo.parse import ImageRef
from bot.channels.zalo.render import Outgoing, image_body, info_request_body, render, text_body
from bot.channels.zalo.settings import ZaloSettings
from bot.core import MediaStore
from bot.delivery.senders import Lane
from handlers import Channel, PhotoProblem, PhotoRef, RejectedFile, Reply
from storage.db import Database

log = logging.getLogger(__name__)

RATE_PAUSE = 60.0  # Zalo's -32 counts calls per minute


class NotFollowing(Exception):
    """Zalo says the citizen does not follow the OA (-213): nothing more can reach them."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """One message ready to send, with the texts its buttons send back."""

    out: Outgoing
    buttons: tuple[str, ...] = ()


class ZaloIO:
    """Everything the channel asks of Zalo while handling an event or an outbox row."""

    def __init__(
        self, client: ZaloClient, database: Database, media: MediaStore,
        clock: Callable[[], datetime], settings: ZaloSettings, pacer: Pacer | None = None,
    ) -> None:  # fmt: skip
        self.client, self._db, self._media, self._clock = client, database, media, clock
        self._settings = settings
        self.pacer = pacer or Pacer(Limits(per_second=10, groups=False), name="zalo")
        self._limit = min(settings.max_download_bytes, media.max_bytes)
        self._attachments: dict[str, str] = {}

    async def fetch(self, images: tuple[ImageRef, ...]) -> tuple[PhotoRef | RejectedFile, ...]:
        """Download and check each image (size and type limits, then the media store)."""
        return tuple([await self._fetch_one(ref) for ref in images])

    async def _fetch_one(self, ref: ImageRef) -> PhotoRef | RejectedFile:
        if ref.size is not None and ref.size > self._limit:
            return RejectedFile(PhotoProblem.TOO_LARGE, ref.filename)
        data = await self.client.download(ref.url, self._limit)
        if isinstance(data, PhotoProblem):
            log.info("zalo image not accepted: %s", data.value)
            return RejectedFile(data, ref.filename)
        return await self._media.accept(data, ref.filename)

    async def prepare(self, user_key: str, replies: list[Reply]) -> list[Prepared]:
        """Render in the citizen's language; give every button its text."""
        now = self._clock()
        async with self._db.unit_of_work() as store:
            user = await store.users.find(Channel.ZALO, user_key)
            outs = [out for r in replies for out in render(r, user.language if user else "vi")]
            prepared = []
            for out in outs:
                buttons = store.buttons
                texts = [await issue_text(buttons, Channel.ZALO, user_key, c.label, c.payload, now)
                         for c in out.buttons]  # fmt: skip
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

    async def send(self, user_key: str, replies: list[Reply]) -> None:
        """Answer a citizen's message: send the replies in order; a refused one is skipped.

        Each message goes through the channel's pacer first in line (a reply to someone
        who just wrote), the same pacer the outbox's messages wait in.

        Raises:
            NotFollowing: The citizen cannot be reached; nothing more was sent.
            Unavailable: Zalo could not be reached, or asked us to slow down.
        """
        if not replies:
            return
        sent = 0
        try:
            for item in await self.prepare(user_key, replies):
                sent += await self._send_checked(user_key, item) is not None
        finally:
            await self.count(user_key, sent)

    @contextlib.asynccontextmanager
    async def paced(self, user_key: str, lane: Lane | None = None) -> AsyncIterator[None]:
        """A reply's slot in the pacer (the sender's ``lane`` when it gives one)."""
        context = lane.slot(user_key) if lane else self.pacer.slot(user_key, Priority.REPLY)
        async with context:
            yield

    async def _send_checked(self, user_key: str, item: Prepared) -> str | None:
        try:
            async with self.paced(user_key):
                return await self.send_one(user_key, item)
        except ZaloError as exc:
            if exc.code == NOT_FOLLOWING:
                raise NotFollowing(user_key) from exc
            if exc.code == RATE_LIMITED:
                await self.pacer.pause(RATE_PAUSE)
            if exc.code == RATE_LIMITED or exc.code in TOKEN_ERRORS:
                raise Unavailable(str(exc)) from exc
            log.warning("zalo message to %s refused: %s", user_key, exc.code)
            return None

    async def request_info(self, user_key: str, language: str) -> None:
        """Send Zalo's form asking the citizen to share their name and phone."""
        body = info_request_body(user_key, language, self._settings.info_image_url)
        async with self.paced(user_key):
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
