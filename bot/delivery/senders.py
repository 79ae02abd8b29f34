"""What the worker asks of a messenger: the ``Sender`` protocol and the outcomes.

A sender turns one outbox row (a list of replies for one chat) into platform calls,
each inside a slot of the channel's pacer (``bot.channels.pacer.Lane``), and says what
became of it; the worker records the outcome. A new messenger (Zalo) is one class with
``channel``, ``deliver`` and ``close`` (and ``post``/``editable`` to show progress).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from storage.delivery import Claimed


class Lane(Protocol):
    """What a sender asks of the channel's pacer (a ``bot.channels.pacer.Lane``)."""

    def slot(self, chat: str) -> AbstractAsyncContextManager[object]:
        """``async with pacer.slot(chat):`` around one platform call to ``chat``."""
        ...

    async def pause(self, seconds: float) -> None:
        """Send nothing on this channel for ``seconds`` (the platform said 429)."""
        ...


class Outcome(StrEnum):
    """What became of one delivery."""

    SENT = "sent"
    RETRY = "retry"  # a passing failure (network, 5xx): try again later
    FAILED = "failed"  # the platform refused it for good (400): do not retry
    BLOCKED = "blocked"  # the user blocked the bot (403)
    RATE_LIMITED = "rate_limited"  # 429: pause the channel for ``retry_after`` and retry


@dataclass(frozen=True, slots=True)
class Result:
    """A delivery's outcome; ``parts_done`` counts the platform messages already sent."""

    outcome: Outcome
    parts_done: int = 0
    error: str | None = None
    retry_after: float = 0.0


class Sender(Protocol):
    """Sends outbox rows of one pushed channel."""

    channel: str
    account: str  # the bot or Official Account the platform counts its limit for

    async def deliver(self, item: Claimed, throttle: Lane) -> Result:
        """Send the row's replies in order, skipping the first ``item.parts_done`` messages."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class Poster(Protocol):
    """Shows a broadcaster the progress of their alert, in one message where possible."""

    channel: str
    editable: bool

    async def post(
        self, user_key: str, text: str, ref: str | None, throttle: Lane | None
    ) -> str | None:
        """Show ``text`` in one chat: edit message ``ref`` if the platform can, else send.

        Returns:
            The reference of the message to edit next time (None if it cannot be).
        """
        ...
