"""Telegram's inbound queue and button tokens, and the deep links QR codes open.

``TelegramUpdates`` is what makes the webhook both fast and lossless: the route
commits the raw update here and answers 200; a worker claims rows in order (one
chat at a time, an album as one batch), processes them and marks them done.
Button tokens live in the table every messenger shares (``storage/buttons.py``).
``DeepLinks`` is channel-agnostic: any channel may open
one with ``/start <id>``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage import limits, models
from storage.failed_updates import FailedUpdate

PENDING, DONE, FAILED = "pending", "done", "failed"
CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class QueuedUpdate:
    """A stored update waiting to be processed."""

    update_id: int
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True, slots=True)
class DeepLinkRecord:
    """A deep link's definition."""

    id: str
    category: str
    ward: str | None
    note: str | None


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return pg_insert if dialect == "postgresql" else sqlite_insert


class TelegramUpdates:
    """Raw updates, stored before they are acknowledged and processed after."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        bot_id: int,
        update_id: int,
        payload: dict[str, Any],
        now: datetime,
        chat_key: str | None = None,
        media_group_id: str | None = None,
    ) -> bool:
        """Keep an update; False when it was stored before (a re-delivery)."""
        values = {
            "bot_id": bot_id,
            "update_id": update_id,
            "chat_key": limits.fit_key(chat_key, limits.TELEGRAM_CHAT) if chat_key else None,
            "media_group_id": (
                limits.fit_key(media_group_id, limits.MEDIA_GROUP) if media_group_id else None
            ),
            "payload": payload,
            "status": PENDING,
            "attempts": 0,
            "received_at": now,
        }
        insert = _insert(self._session)(models.TelegramUpdate).values(**values)
        result = await self._session.execute(insert.on_conflict_do_nothing())
        return bool(getattr(result, "rowcount", 0))

    async def claim(
        self, bot_id: int, now: datetime, lease: timedelta, album_wait: timedelta,
        holder: str | None = None,
    ) -> list[QueuedUpdate]:  # fmt: skip
        """Lease the next batch to process: one update, or all the items of one album.

        A chat's updates come out in order: an update waits while an earlier one of
        the same chat is pending. An album waits until ``album_wait`` has passed since
        its newest item arrived. Returns an empty list when nothing is ready.
        """
        for row in await self._candidates(bot_id, now):
            batch = await self._batch(row, now, album_wait)
            if batch:
                claimed = [
                    QueuedUpdate(r.update_id, dict(r.payload), r.attempts + 1) for r in batch
                ]
                ids = [item.update_id for item in claimed]
                await self._lease(bot_id, ids, now + lease, holder)
                return claimed
        return []

    async def _candidates(self, bot_id: int, now: datetime) -> Sequence[models.TelegramUpdate]:
        row, earlier = models.TelegramUpdate, aliased(models.TelegramUpdate)
        blocked = exists().where(
            earlier.bot_id == row.bot_id,
            earlier.chat_key == row.chat_key,
            earlier.status == PENDING,
            earlier.update_id < row.update_id,
            or_(
                row.media_group_id.is_(None),
                earlier.media_group_id.is_(None),
                earlier.media_group_id != row.media_group_id,
            ),
        )
        query = (
            select(row)
            .where(row.bot_id == bot_id, row.status == PENDING)
            .where(or_(row.locked_until.is_(None), row.locked_until < now))
            .where(~blocked)
            .order_by(row.update_id)
            .limit(CANDIDATES)
            .with_for_update(skip_locked=True)
        )
        return (await self._session.scalars(query)).all()

    async def _batch(
        self, row: models.TelegramUpdate, now: datetime, album_wait: timedelta
    ) -> list[models.TelegramUpdate]:
        if row.media_group_id is None:
            return [row]
        same = models.TelegramUpdate
        album = and_(
            same.bot_id == row.bot_id,
            same.chat_key == row.chat_key,
            same.media_group_id == row.media_group_id,
            same.status == PENDING,
        )
        newest = await self._session.scalar(select(func.max(same.received_at)).where(album))
        if newest is not None and newest > now - album_wait:
            return []
        query = select(same).where(album).order_by(same.update_id).with_for_update()
        return list((await self._session.scalars(query)).all())

    async def _lease(
        self, bot_id: int, update_ids: list[int], until: datetime, holder: str | None
    ) -> None:
        row = models.TelegramUpdate
        await self._session.execute(
            update(row)
            .where(row.bot_id == bot_id, row.update_id.in_(update_ids))
            .values(locked_until=until, locked_by=holder, attempts=row.attempts + 1)
        )

    async def finish(self, bot_id: int, update_ids: Sequence[int], now: datetime) -> None:
        """Mark updates processed and forget their content (ids are kept for dedupe)."""
        row = models.TelegramUpdate
        await self._session.execute(
            update(row)
            .where(row.bot_id == bot_id, row.update_id.in_(list(update_ids)))
            .values(status=DONE, done_at=now, payload={}, locked_until=None, locked_by=None)
        )

    async def retry_later(
        self, bot_id: int, update_ids: Sequence[int], at: datetime, give_up: bool,
        error: str | None = None,
    ) -> None:  # fmt: skip
        """Processing failed with ``error``: try again at ``at``, or mark failed (kept)."""
        row = models.TelegramUpdate
        values: dict[str, Any] = {
            "locked_until": at, "locked_by": None, "last_error": (error or "")[:300] or None,
        }  # fmt: skip
        if give_up:
            values.update(status=FAILED, done_at=at)
        await self._session.execute(
            update(row)
            .where(row.bot_id == bot_id, row.update_id.in_(list(update_ids)))
            .values(**values)
        )

    async def prune(self, bot_id: int, before: datetime) -> int:
        """Delete rows finished before ``before``; return how many."""
        row = models.TelegramUpdate
        result = await self._session.execute(
            delete(row).where(row.bot_id == bot_id, row.status != PENDING, row.done_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def failed(self, limit: int = 50) -> list[FailedUpdate]:
        """The newest given-up updates with their errors, for the operators."""
        row = models.TelegramUpdate
        rows = await self._session.scalars(
            select(row).where(row.status == FAILED).order_by(row.done_at.desc()).limit(limit)
        )
        return [
            FailedUpdate("telegram", f"{r.bot_id}:{r.update_id}", r.chat_key, r.attempts,
                         r.received_at, r.done_at, r.last_error)
            for r in rows
        ]  # fmt: skip

    async def counts(self, bot_id: int) -> dict[str, int]:
        """How many rows are pending, done and failed."""
        row = models.TelegramUpdate
        rows = await self._session.execute(
            select(row.status, func.count()).where(row.bot_id == bot_id).group_by(row.status)
        )
        return {status: int(count) for status, count in rows.all()}


class DeepLinks:
    """Deep link definitions, addressed by a short random id."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self, category: str, ward: str | None, note: str | None, now: datetime
    ) -> DeepLinkRecord:
        """Store a new link; its id (11 URL-safe characters) goes into the payload."""
        row = models.DeepLink(
            id=secrets.token_urlsafe(8), category=category, ward=ward, note=note, created_at=now
        )
        self._session.add(row)
        await self._session.flush()
        return DeepLinkRecord(row.id, row.category, row.ward, row.note)

    async def get(self, link_id: str) -> DeepLinkRecord | None:
        """The link with this id, if any."""
        if not link_id or len(link_id) > 32:
            return None
        row = await self._session.get(models.DeepLink, link_id)
        return DeepLinkRecord(row.id, row.category, row.ward, row.note) if row else None
