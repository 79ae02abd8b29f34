"""What a messenger's channel does with one read update: the same path for every channel.

A channel reads the platform's update into its own input type, then its ``Pipeline``
turns that into the channel-neutral message (``message``: files fetched, a pressed
button resolved, platform duties done on the way) and hands it to ``Inbox.receive``
(dedupe, one transaction, the handlers, and the channel's ``prepare``: the replies
rendered in the chat's language with their button tokens, in that same transaction);
the replies go back to the chat (``send``). A
chat that can no longer be reached (``Unreachable``: it blocked the bot, or stopped
following the account) is marked so in the store. Whether a message counts is the
handlers' call, never the channel's.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from bot.core import Inbox, MediaStore, Outcome
from handlers import Channel, IncomingMessage, PhotoProblem, PhotoRef, RejectedFile, Reply
from storage.db import Database
from storage.store import Store

log = logging.getLogger(__name__)


class Unreachable(Exception):
    """The chat cannot be reached any more: it blocked the bot or left the account."""


class Read(Protocol):
    """What the pipeline needs of a read update: whose chat it is."""

    @property
    def user_key(self) -> str:
        """The chat's key in the store."""
        ...


ReadT = TypeVar("ReadT", bound=Read)


class Pipeline(ABC, Generic[ReadT]):
    """One read update through the inbox and back to its chat."""

    channel: Channel

    def __init__(self, inbox: Inbox, database: Database, clock: Callable[[], datetime]) -> None:
        self.inbox, self.db, self.clock = inbox, database, clock

    async def handle(self, read: ReadT) -> None:
        """Process one update; raises when it should be tried again."""
        message = await self.message(read)
        if message is None:
            return

        async def prepare(store: Store, replies: list[Reply], language: str) -> Any:
            return await self.prepare(store, read.user_key, replies, language)

        outcome = await self.inbox.receive(message, prepare)
        try:
            await self.send(read, outcome)
        except Unreachable:  # blocked the bot, left the group, unfollowed the account
            log.info("%s chat %s cannot be reached", self.channel.value, read.user_key)
            await self.set_reachable(read.user_key, False)

    @abstractmethod
    async def message(self, read: ReadT) -> IncomingMessage | None:
        """The message ``read`` carries for the handlers; None when they need not see it."""

    async def prepare(
        self, store: Store, user_key: str, replies: list[Reply], language: str
    ) -> Any:
        """Ready ``replies`` for sending inside the update's transaction (in ``language``,
        button tokens issued in ``store``); ``send`` finds the result in the outcome."""
        return None

    @abstractmethod
    async def send(self, read: ReadT, outcome: Outcome) -> None:
        """Send the handlers' replies (``outcome.prepared``) to the chat ``read`` came from.

        Raises:
            Unreachable: The chat can no longer be reached.
        """

    async def set_reachable(self, user_key: str, reachable: bool) -> None:
        """Record whether the chat can be reached (a block, an unfollow, a return)."""
        async with self.db.unit_of_work() as store:
            known = await store.users.set_reachable(self.channel, user_key, reachable)
        log.info("%s user %s reachable=%s (known=%s)", self.channel.value, user_key, reachable,
                 known)  # fmt: skip

    async def language(self, user_key: str) -> str:
        """The chat's language (Vietnamese for a chat the store does not know)."""
        async with self.db.unit_of_work() as store:
            return await chat_language(store, self.channel, user_key)


async def chat_language(store: Store, channel: Channel, user_key: str) -> str:
    """The chat's language (Vietnamese for a chat the store does not know)."""
    user = await store.users.find(channel, user_key)
    return user.language if user else "vi"


async def accept_file(
    media: MediaStore, filename: str | None, size: int | None, limit: int,
    download: Callable[[], Awaitable[bytes | PhotoProblem]],
) -> PhotoRef | RejectedFile:  # fmt: skip
    """A file a citizen sent, downloaded and checked into the media store.

    Args:
        media: Where checked photos go.
        filename: The name the platform gave, if any.
        size: The size the platform announced, if any (checked before downloading).
        limit: The most bytes accepted.
        download: Fetches the bytes, or says why it could not.

    Returns:
        The stored photo, or the refusal and its reason.
    """
    if size is not None and size > limit:
        return RejectedFile(PhotoProblem.TOO_LARGE, filename)
    data = await download()
    if isinstance(data, PhotoProblem):
        log.info("file not accepted: %s", data.value)
        return RejectedFile(data, filename)
    return await media.accept(data, filename)
