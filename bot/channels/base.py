"""The one interface every messenger's channel object meets.

A channel translates and nothing more: ``parse`` turns one platform request into the
``IncomingMessage``s it carries (files fetched and stored, a pressed button's payload
resolved), ``render`` turns a ``Reply`` into the platform's calls, ``send`` makes
those calls for a chat, and ``start``/``stop`` run whatever the platform needs in the
background. Dialog decisions stay in ``handlers``; the intake, pacing, button tokens
and text splitting are the kit's (``bot/channels/``), shared by all.

``RawT`` is what the platform hands over (a Telegram update, a Zalo event, a web chat
page's post); ``CallT`` is one platform call as ``render`` describes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from handlers import IncomingMessage, Reply

RawT = TypeVar("RawT", contravariant=True)
CallT = TypeVar("CallT", covariant=True)


class Channel(Protocol[RawT, CallT]):
    """A messenger as the shell sees it (Telegram, Zalo, the web chat)."""

    @property
    def name(self) -> str:
        """The channel's name in the store (``handlers.Channel`` value)."""
        ...

    async def parse(self, raw: RawT) -> list[IncomingMessage]:
        """The messages one platform request carries; none for what needs no answer.

        Platform duties on the way (answering a pressed button, noting who blocked or
        unfollowed the bot) happen here; an update the handlers need not see gives [].
        """
        ...

    def render(self, reply: Reply, language: str) -> Sequence[CallT]:
        """``reply`` as the platform calls that show it, in order (pure)."""
        ...

    async def send(self, user_key: str, replies: list[Reply]) -> None:
        """Show ``replies`` in the chat ``user_key`` names."""
        ...

    async def start(self) -> None:
        """Begin the channel's background work (returns at once)."""
        ...

    async def stop(self) -> None:
        """End it, letting work in hand finish."""
        ...
