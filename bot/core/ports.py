"""The interfaces the shell's parts meet at: the inbox every channel feeds, the media store.

They are Protocols, so ``bot.inbound.Inbox`` and ``bot.media.MediaStore`` satisfy them
without importing this module, and a channel or page depends on what it calls, not on
the class behind it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from handlers import IncomingMessage, PhotoRef, RejectedFile, Reply
from storage.store import Store

# What a channel does with the replies inside the update's own transaction (render them
# in the chat's language, issue button tokens): (store, replies, language) -> its result.
Prepare = Callable[[Store, list[Reply], str], Awaitable[Any]]


class Outcome(Protocol):
    """What became of one incoming message (``bot.inbound.Outcome``)."""

    @property
    def replies(self) -> list[Reply]:
        """The replies to send back to the chat."""
        ...

    @property
    def duplicate(self) -> bool:
        """The platform delivered this update before; nothing was changed again."""
        ...

    @property
    def language(self) -> str | None:
        """The chat's language after the message."""
        ...

    @property
    def prepared(self) -> Any:
        """What the channel's ``Prepare`` returned (None when it gave none)."""
        ...


class Inbox(Protocol):
    """Turns incoming messages into stored changes and replies (``bot.inbound.Inbox``)."""

    async def receive(self, message: IncomingMessage, prepare: Prepare | None = None) -> Outcome:
        """Process one message exactly once; raises when nothing was stored."""
        ...

    async def chat_language(self, channel: str, key: str) -> str | None:
        """The language a chat has chosen (None for a chat that never wrote)."""
        ...

    async def webchat_inbox(self, key: str, after: int) -> list[tuple[int, Reply]]:
        """Later notices for a web chat, after the row id ``after``."""
        ...


class MediaStore(Protocol):
    """Where photos go once checked (``bot.media.MediaStore``)."""

    @property
    def max_bytes(self) -> int:
        """The largest file accepted."""
        ...

    async def accept(self, data: bytes, filename: str | None = None) -> PhotoRef | RejectedFile:
        """Check and store one file; a refusal says why."""
        ...

    def public_path(self, sha256: str) -> Path | None:
        """The public (stripped, resized) copy of a stored photo, if any."""
        ...

    def original_path(self, sha256: str) -> Path | None:
        """The file as received, if stored."""
        ...

    def content_type(self, sha256: str) -> str | None:
        """The MIME type of a stored photo."""
        ...
