"""The inbound path every channel shares: dedupe, one transaction, dispatch, replies.

A channel adapter builds an ``IncomingMessage`` and calls ``Inbox.receive``. The
update is claimed (platform update id), handled and its replies recorded in one
transaction: a replay gets the same replies and changes nothing, and a failure
anywhere leaves nothing half-stored. A channel may pass a ``Prepare`` that renders the
replies in that same transaction (the chat's language, button tokens), so sending them
needs no transaction of its own. The message's free text is parsed before the
transaction begins, so the store (on SQLite, its one writer) is held only for its work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import handlers
from bot.core.clock import utc_now
from bot.core.ports import Prepare
from handlers import (
    City,
    Context,
    IncomingMessage,
    Limits,
    Parser,
    Places,
    Reply,
    reply_from_dict,
    reply_to_dict,
    say,
)
from storage.db import Database

__all__ = ["Inbox", "Outcome", "StoreUnavailable", "reply_from_dict", "reply_to_dict"]

log = logging.getLogger(__name__)

PREPARSE_MAX = 4096  # a longer text is parsed only if a handler asks for it


class StoreUnavailable(Exception):
    """The update could not be stored; the platform should deliver it again."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of an update; ``language`` is the chat's language after it."""

    replies: list[Reply]
    duplicate: bool = False
    language: str | None = None
    prepared: Any = None


class Inbox:
    """Turns incoming messages into stored changes and replies."""

    def __init__(
        self,
        database: Database,
        city: City,
        nlu: Parser,
        limits: Limits = Limits(),
        clock: Callable[[], datetime] = utc_now,
        places: Places | None = None,
    ) -> None:
        self._db = database
        self._city = city
        self._nlu = nlu
        self._limits = limits
        self._clock = clock
        self._places = places

    async def receive(self, message: IncomingMessage, prepare: Prepare | None = None) -> Outcome:
        """Process one message exactly once; ``prepare`` (if any) runs on the replies,
        recorded or new, before the transaction commits (``Outcome.prepared``).

        Raises:
            StoreUnavailable: Nothing was stored; the caller must not acknowledge
                the update to the platform (answer 5xx) so that it comes again.
        """
        try:
            return await self._process(message, prepare)
        except Exception as exc:
            log.exception(
                "update %s/%s failed: %s", message.channel, message.update_id, type(exc).__name__
            )
            raise StoreUnavailable(str(type(exc).__name__)) from exc

    async def _process(self, message: IncomingMessage, prepare: Prepare | None) -> Outcome:
        now = self._clock()
        nlu = await self._understood(message)
        async with self._db.unit_of_work() as store:
            claimed = await store.updates.claim(message.channel, message.update_id, now)
            if not claimed:
                stored = await store.updates.replies_of(message.channel, message.update_id)
                log.info("update %s/%s replayed", message.channel, message.update_id)
                known = await store.users.find(message.channel, message.user_key)
                language = known.language if known else None
                recorded = [reply_from_dict(r) for r in stored]
                ready = await prepare(store, recorded, language or "vi") if prepare else None
                return Outcome(recorded, True, language, ready)
            ctx = Context(
                store=store,
                city=self._city,
                nlu=nlu,
                now=now,
                limits=self._limits,
                places=self._places,
            )
            replies = await handlers.dispatch(ctx, message)
            user = await store.users.get_or_create(message.channel, message.user_key, now)
            await store.updates.finish(
                message.channel, message.update_id, user.id, [reply_to_dict(r) for r in replies]
            )
            ready = await prepare(store, replies, user.language) if prepare else None
        return Outcome(replies, language=user.language, prepared=ready)

    async def _understood(self, message: IncomingMessage) -> Parser:
        """The NLU, having read the message's free text already (outside the transaction).

        The parse is the slow part of an update; done first, the transaction (on SQLite,
        the store's one writer) is held only for the store's own work.
        """
        text = message.text
        if not text or message.command or message.choice or len(text) > PREPARSE_MAX:
            return self._nlu
        return Preparsed(self._nlu, text, await self._nlu.parse(text))

    async def chat_language(self, channel: str, key: str) -> str | None:
        """The language a chat has chosen (None for a chat that never wrote)."""
        async with self._db.unit_of_work() as store:
            user = await store.users.find(channel, key)
        return user.language if user else None

    async def webchat_inbox(self, key: str, after: int) -> list[tuple[int, Reply]]:
        """Later notices for a web chat (the page polls; what it reads counts as sent)."""
        async with self._db.unit_of_work() as store:
            user = await store.users.find("webchat", key)
            if user is None:
                return []
            rows = await store.outbox.take_for_webchat(user.id, after, self._clock())
        return [
            (row_id, reply_from_dict(reply))
            for row_id, payload in rows
            for reply in payload.get("replies", [])
        ]


class Preparsed:
    """A parser that already knows the answer for one text (others go to ``inner``)."""

    def __init__(self, inner: Parser, text: str, parsed: dict[str, Any]) -> None:
        self._inner, self._text, self._parsed = inner, text, parsed

    async def parse(self, text: str) -> dict[str, Any]:
        """The known parse for the message's text; otherwise the inner parser's."""
        if text == self._text:
            return dict(self._parsed)
        return await self._inner.parse(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def failure_replies(locale: str | None) -> list[Reply]:
    """What to tell a user whose message could not be stored."""
    language = "en" if (locale or "").lower().startswith("en") else "vi"
    return [Reply(say(language, "error"))]
