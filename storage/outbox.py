"""The outbox: messages to other chats, sent later by each channel's delivery path."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import alert_texts, models
from storage.records import UserRecord


class Outbox:
    """Messages to other chats, sent later by the delivery path of each channel."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(
        self,
        user: UserRecord,
        kind: str,
        payload: dict[str, Any],
        now: datetime,
        priority: int = 5,
        expires_at: datetime | None = None,
        available_at: datetime | None = None,
    ) -> int:
        """Queue a message for ``user`` in this transaction; return its id.

        ``payload`` is ``{"replies": [reply, ...]}`` (replies as ``bot.inbound.reply_to_dict``
        writes them), delivered together and in order. Lower ``priority`` goes first
        (alerts 0-2, routine 5); after ``expires_at`` it is never delivered; before
        ``available_at`` (default: now) it is held.
        """
        row = models.Outbox(
            user_id=user.id,
            channel=user.channel,
            kind=kind,
            priority=priority,
            payload=payload,
            status="pending",
            attempts=0,
            available_at=available_at or now,
            created_at=now,
            expires_at=expires_at,
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def withdraw(self, row_ids: Sequence[int]) -> int:
        """Drop held messages that no one has taken yet; return how many were dropped."""
        if not row_ids:
            return 0
        result = await self._session.execute(
            delete(models.Outbox).where(
                models.Outbox.id.in_(row_ids), models.Outbox.status == "pending"
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def take_for_webchat(
        self, user_id: int, after: int, now: datetime, limit: int = 50
    ) -> Sequence[tuple[int, dict[str, Any]]]:
        """Messages for a web chat user newer than ``after``, marked sent as they go.

        The web chat has no push: the page asks, and what it gets counts as delivered.
        Rows already sent stay readable so a page that missed an answer can ask again.
        """
        rows = (
            await self._session.scalars(
                select(models.Outbox)
                .where(models.Outbox.user_id == user_id, models.Outbox.id > after)
                .where(models.Outbox.channel == "webchat")
                .where(
                    or_(
                        models.Outbox.status == "sent",
                        (models.Outbox.status == "pending")
                        & (models.Outbox.available_at <= now)
                        & or_(models.Outbox.expires_at.is_(None), models.Outbox.expires_at > now),
                    )
                )
                .order_by(models.Outbox.id)
                .limit(limit)
            )
        ).all()
        for row in rows:
            if row.status == "pending":
                row.status, row.sent_at, row.attempts = "sent", now, row.attempts + 1
        texts = await alert_texts.resolve(self._session, ((r.alert_id, r.payload) for r in rows))
        return [(row.id, text) for row, text in zip(rows, texts, strict=True)]
