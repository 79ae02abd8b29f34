"""The shape every flow shares: one ``Step`` result and one ``Flow`` table.

A handler never writes the conversation. It returns a ``Step`` (the replies and
where the user's conversation goes next) and the router keeps it. A ``Flow``
declares, as data, what the router may hand to a flow: its name as stored in the
conversation, its states, the commands and button prefixes it answers, and the
handler for a message while its conversation is open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from handlers.core.context import Turn
from handlers.core.model import IncomingMessage, Reply
from storage.records import ConversationRecord

CHOICES_KEY = "_choices"  # the buttons offered, so a bare number can pick one
NOTHING: Mapping[str, Any] = MappingProxyType({})

Handler = Callable[[Turn, IncomingMessage, ConversationRecord | None], Awaitable["Step | None"]]


@dataclass(frozen=True, slots=True)
class Step:
    """What one handler decided: the replies and what becomes of the user's conversation.

    ``keep`` leaves the conversation as it was (a question answered in passing);
    otherwise ``flow`` None ends it and a flow name keeps it at ``state`` with
    ``data``. ``numbered`` keeps the buttons offered so that, where a channel shows
    them as a numbered list, a bare number picks one.
    """

    replies: tuple[Reply, ...]
    flow: str | None = None
    state: str = ""
    data: Mapping[str, Any] = field(default_factory=lambda: NOTHING)
    keep: bool = False
    numbered: bool = False

    @classmethod
    def stay(cls, replies: Iterable[Reply]) -> Step:
        """Answer and leave the conversation as it is."""
        return cls(tuple(replies), keep=True)

    @classmethod
    def end(cls, replies: Iterable[Reply]) -> Step:
        """Answer and end the conversation."""
        return cls(tuple(replies))

    @classmethod
    def goto(
        cls,
        flow: str,
        state: str,
        data: Mapping[str, Any],
        replies: Iterable[Reply],
        numbered: bool = False,
    ) -> Step:
        """Answer and keep the conversation in ``flow`` at ``state``."""
        frozen = MappingProxyType(dict(data))
        return cls(tuple(replies), flow, str(state), frozen, numbered=numbered)

    def saved_data(self) -> dict[str, Any]:
        """The data to store with the conversation (the offered buttons if numbered)."""
        data = dict(self.data)
        if self.numbered:
            data[CHOICES_KEY] = [c.payload for reply in self.replies for c in reply.choices]
        return data


@dataclass(frozen=True, slots=True)
class Flow:
    """One flow declared as data.

    ``name`` is the flow as stored in the conversation while it is open (a flow
    without ``states`` answers in one step and is never stored). ``commands`` maps
    a command name, ``buttons`` a payload prefix (the part before the first ``:``),
    to its handler; ``on_message`` takes any other message while the flow is open.
    A handler returns None when the message is not for it, and the router goes on.
    """

    name: str
    states: tuple[str, ...] = ()
    commands: Mapping[str, Handler] = field(default_factory=dict)
    buttons: Mapping[str, Handler] = field(default_factory=dict)
    on_message: Handler | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "commands", MappingProxyType(dict(self.commands)))
        object.__setattr__(self, "buttons", MappingProxyType(dict(self.buttons)))


def argument(message: IncomingMessage) -> str | None:
    """What followed a command, stripped; None when nothing did."""
    return (message.text or "").strip() or None


def stay(replies: list[Reply] | None) -> Step | None:
    """Wrap replies that leave the conversation as it is; None stays None."""
    return None if replies is None else Step.stay(replies)
