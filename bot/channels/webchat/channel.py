"""The web chat as a kit channel: the page's posts in, replies for the page out.

The page talks to HueBot over plain HTTP (``routes.py``): a post carries one message
and its answer carries the replies. Anything sent later (``send``) waits in the
chat's inbox, which the page polls, so nothing runs in the background and ``start``
and ``stop`` have nothing to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.channels.base import Channel
from bot.channels.webchat.parse import parse, render
from bot.core import Clock
from handlers import Channel as Messenger
from handlers import IncomingMessage, Reply, reply_to_dict
from storage.db import Database

log = logging.getLogger(__name__)

NOTICE_PRIORITY = 1


@dataclass(frozen=True, slots=True)
class PagePost:
    """One JSON post from the page, and the chat its signed cookie names."""

    key: str
    body: Any


class WebchatChannel(Channel[PagePost, dict[str, Any]]):
    """HueBot's own web chat."""

    name = Messenger.WEBCHAT.value

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db, self._clock = database, clock

    async def parse(self, raw: PagePost) -> list[IncomingMessage]:
        """The message in a post (``BadMessage`` when the page sent nonsense)."""
        return [parse(raw.body, raw.key, self._clock())]

    def render(self, reply: Reply, language: str) -> list[dict[str, Any]]:
        """``reply`` as the JSON the page draws (the page knows its own language)."""
        return [render(reply)]

    async def send(self, user_key: str, replies: list[Reply]) -> None:
        """Put ``replies`` in the chat's inbox for the page's next poll."""
        async with self._db.unit_of_work() as store:
            user = await store.users.find(self.name, user_key)
            if user is None:
                log.info("webchat chat %s unknown: nothing queued", user_key)
                return
            payload = {"replies": [reply_to_dict(reply) for reply in replies]}
            await store.outbox.enqueue(user, "reply", payload, self._clock(), NOTICE_PRIORITY)

    async def start(self) -> None:
        """Nothing to start: the page polls."""

    async def stop(self) -> None:
        """Nothing to stop."""
