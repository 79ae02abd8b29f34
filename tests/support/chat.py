"""Drive dialogs through ``handlers.dispatch`` as a channel would, one transaction a message."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import handlers
from bot.channels.commands import split_command
from handlers import (
    Channel,
    City,
    Contact,
    Context,
    GeoPoint,
    IncomingMessage,
    Limits,
    PhotoRef,
    RejectedFile,
    Reply,
)
from storage.db import Database


class Chat:
    """One user talking to the handlers; keeps the last replies to press their buttons."""

    def __init__(
        self,
        database: Database,
        city: City,
        parser: Any,
        clock: Callable[[], datetime],
        user: str = "citizen-1",
        channel: Channel = Channel.WEBCHAT,
        locale: str | None = None,
        limits: Limits = Limits(),
        places: Any = None,
    ) -> None:
        self.database, self.city, self.parser, self.clock = database, city, parser, clock
        self.user, self.channel, self.locale, self.limits = user, channel, locale, limits
        self.places = places
        self.last: list[Reply] = []

    async def send(
        self,
        text: str | None = None,
        *,
        choice: str | None = None,
        location: GeoPoint | None = None,
        photos: tuple[PhotoRef, ...] = (),
        rejected: tuple[RejectedFile, ...] = (),
        contact: Contact | None = None,
    ) -> list[Reply]:
        """Send one message and return the replies."""
        command, text = split_command(text)
        message = IncomingMessage(
            channel=self.channel,
            user_key=self.user,
            update_id=uuid.uuid4().hex,
            received_at=self.clock(),
            text=text,
            command=command,
            choice=choice,
            location=location,
            photos=photos,
            rejected_files=rejected,
            contact=contact,
            locale=self.locale,
        )
        async with self.database.unit_of_work() as store:
            ctx = Context(
                store=store,
                city=self.city,
                nlu=self.parser,
                now=self.clock(),
                limits=self.limits,
                places=self.places,
            )
            self.last = await handlers.dispatch(ctx, message)
        return self.last

    async def press(self, label_part: str) -> list[Reply]:
        """Press the button of the last replies whose label or payload contains ``label_part``."""
        for reply in reversed(self.last):
            for choice in reply.choices:
                if label_part in choice.label or label_part == choice.payload:
                    return await self.send(choice=choice.payload)
        raise AssertionError(f"no button {label_part!r} in {self.texts()}")

    def texts(self) -> str:
        """The last replies' texts, joined."""
        return "\n".join(reply.text for reply in self.last)

    def payloads(self) -> list[str]:
        """The payloads of the buttons offered last."""
        return [choice.payload for reply in self.last for choice in reply.choices]
