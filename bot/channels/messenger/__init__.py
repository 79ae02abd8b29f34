"""Facebook Messenger: a Page's conversations, on the shared channel kit.

``parse`` reads the webhook's events, ``render`` turns replies into Send API bodies and
decides what the 24-hour window allows, ``client`` holds the settings and the Graph API
calls, ``webhook`` the signed ``/messenger/webhook`` edge. ``MessengerChannel`` puts them
together behind the kit's channel interface (``bot.channels.base.Channel``). See
docs/messenger.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channels.base import Channel as KitChannel
from bot.channels.messenger.client import (
    MessengerClient,
    MessengerSettings,
    RateLimited,
    Unreachable,
)
from bot.channels.messenger.parse import Kind, MessengerInput, incoming
from bot.channels.messenger.render import Delivery, Purpose, delivery, render, request_body
from bot.channels.pacer import Limits, Pacer, Priority
from bot.channels.pacer_limits import MESSENGER_PER_CHAT_SECONDS, MESSENGER_PER_SECOND
from bot.core import MediaStore
from bot.delivery.senders import Lane
from handlers import Channel, IncomingMessage, PhotoProblem, PhotoRef, RejectedFile, Reply
from storage.db import Database

log = logging.getLogger(__name__)

RATE_PAUSE = 60.0  # Meta gives no retry-after; its page-level counters are per minute


class NotSendable(Exception):
    """The platform's policy forbids this message now: record it, do not retry it."""


class MessengerChannel(KitChannel[MessengerInput, dict[str, Any]]):
    """The Messenger channel: events in, replies out, within the Page's messaging window."""

    name = Channel.MESSENGER.value

    def __init__(
        self, settings: MessengerSettings, client: MessengerClient, database: Database,
        media: MediaStore, clock: Callable[[], datetime], public_url: str | None = None,
        pacer: Pacer | None = None,
    ) -> None:  # fmt: skip
        self.settings, self._client, self._db = settings, client, database
        self._media, self._clock, self._public_url = media, clock, public_url
        self._limit = min(settings.max_download_bytes, media.max_bytes)
        limits = Limits(MESSENGER_PER_SECOND, MESSENGER_PER_CHAT_SECONDS, groups=False)
        self.pacer = pacer or Pacer(limits, name=self.name)

    @property
    def client(self) -> MessengerClient:
        """The Graph API client (the outbox's sender shares it)."""
        return self._client

    async def parse(self, raw: MessengerInput) -> list[IncomingMessage]:
        """The message one event carries, its images fetched and checked; [] for the rest.

        Raises:
            Unavailable: An image could not be fetched yet (try the event again later).
        """
        if raw.kind is not Kind.MESSAGE:
            return []
        files = tuple([await self._fetch(url) for url in raw.images])
        return [incoming(raw, self._clock(), files)]

    async def _fetch(self, url: str) -> PhotoRef | RejectedFile:
        data = await self._client.download(url)
        if isinstance(data, PhotoProblem):
            log.info("messenger attachment not accepted: %s", data.value)
            return RejectedFile(data)
        if len(data) > self._limit:
            return RejectedFile(PhotoProblem.TOO_LARGE)
        return await self._media.accept(data)

    def render(self, reply: Reply, language: str) -> list[dict[str, Any]]:
        """``reply`` as Send API ``message`` objects, in order (pure)."""
        return render(reply, language, self._public_url)

    async def send(
        self, user_key: str, replies: list[Reply], purpose: Purpose = Purpose.REPLY
    ) -> None:
        """Show ``replies`` to the person ``user_key`` (their PSID), as the window allows.

        Each message waits for its slot in the channel's pacer, first in line for a
        reply (the same pacer the outbox's rows wait in). A rate limit pauses the pacer
        and the message is tried once more.

        Raises:
            NotSendable: The window is closed and nothing may carry this message.
            Unreachable: The person blocked the Page or is gone (marked unreachable).
            RateLimited, TokenExpired, Unavailable: see ``client``.
        """
        lane = self.pacer.lane(Priority.REPLY if purpose is Purpose.REPLY else Priority.ALERT)
        for body in await self.prepare(user_key, replies, purpose):
            try:
                await self.post(user_key, body, lane)
            except RateLimited:
                await lane.pause(RATE_PAUSE)
                await self.post(user_key, body, lane)

    async def prepare(
        self, user_key: str, replies: list[Reply], purpose: Purpose
    ) -> list[dict[str, Any]]:
        """The Send API bodies that show ``replies`` now, in order.

        Raises:
            NotSendable: The window is closed and nothing may carry this message.
        """
        language, how = await self._delivery(user_key, purpose)
        return [
            request_body(user_key, message, how)
            for reply in replies
            for message in self.render(reply, language)
        ]

    async def post(self, user_key: str, body: dict[str, Any], lane: Lane) -> None:
        """Send one prepared body in its pacer slot.

        Raises:
            NotSendable: Meta says the window is closed.
            Unreachable: The person cannot be reached (marked unreachable).
            RateLimited, TokenExpired, Unavailable, MessengerError: see ``client``.
        """
        try:
            async with lane.slot(user_key):
                await self._client.send(body)
        except Unreachable as exc:
            if exc.outside_window:
                raise NotSendable("outside the messaging window") from exc
            async with self._db.unit_of_work() as store:
                await store.users.set_reachable(self.name, user_key, False)
            raise

    async def _delivery(self, user_key: str, purpose: Purpose) -> tuple[str, Delivery]:
        now, token = self._clock(), None
        async with self._db.unit_of_work() as store:
            user = await store.users.find(self.name, user_key)
            if purpose is Purpose.ALERT:
                token = await store.messenger_optins.token(user_key, now)
        language = user.language if user is not None else "vi"
        last = user.last_seen_at if user is not None else None
        how = delivery(purpose, last, now, self.settings.notice_tag, token)
        if how is None:
            raise NotSendable(f"{purpose.value} outside the messaging window")
        return language, how

    async def start(self) -> None:
        """Nothing runs in the background: Meta pushes events to the webhook."""

    async def stop(self) -> None:
        """Close the pacer and the Graph API session."""
        await self.pacer.close()
        await self._client.close()
