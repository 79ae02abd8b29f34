"""Read what the outbox holds for a chat: the messages other people's actions sent it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import Reply, reply_from_dict
from storage import alert_texts, models
from storage.db import Database


async def queued_for(database: Database, user_key: str, after: int = 0) -> list[tuple[int, Reply]]:
    """(outbox id, reply) for every reply queued to ``user_key`` after ``after``, in order."""
    async with AsyncSession(database.engine) as session:
        rows = (
            await session.execute(
                select(models.Outbox.id, models.Outbox.alert_id, models.Outbox.payload)
                .join(models.User, models.User.id == models.Outbox.user_id)
                .where(models.User.external_id == user_key, models.Outbox.id > after)
                .order_by(models.Outbox.id)
            )
        ).all()
        payloads = await alert_texts.resolve(session, ((r.alert_id, r.payload) for r in rows))
    return [
        (row.id, reply_from_dict(r))
        for row, payload in zip(rows, payloads, strict=True)
        for r in payload["replies"]
    ]


class Mailbox:
    """Follows one chat's outbox: each read returns only what arrived since the last."""

    def __init__(self, database: Database, user_key: str) -> None:
        self.database, self.user_key, self.seen = database, user_key, 0

    async def read(self) -> list[Reply]:
        """New replies since the last read."""
        items = await queued_for(self.database, self.user_key, self.seen)
        if items:
            self.seen = items[-1][0]
        return [reply for _, reply in items]


def payloads(replies: list[Reply]) -> list[str]:
    """All button payloads of some replies."""
    return [choice.payload for reply in replies for choice in reply.choices]


def texts(replies: list[Reply]) -> str:
    """All texts of some replies, joined."""
    return "\n".join(reply.text for reply in replies)
