"""The outbox as the delivery worker sees it: claim due rows, hold leases, record results.

A claimed row has status ``sending``, the worker's id in ``claimed_by`` and a lease in
``claimed_until``. The worker renews the leases of the rows it holds; when a worker dies,
its leases run out and ``reclaim_expired`` makes the rows pending again, so no
recipient is skipped. On PostgreSQL the claim takes rows ``FOR UPDATE SKIP LOCKED``, so
several processes share one outbox without waiting for each other; on SQLite the
``BEGIN IMMEDIATE`` of every transaction serialises the claimers.

Statuses: ``pending`` (waiting, possibly until ``available_at``), ``sending`` (claimed),
``sent``, ``failed`` (gave up; ``last_error`` says why), ``blocked`` (the user blocked
the bot), ``dropped`` (not sent because the user blocked the bot), ``cancelled`` (its
alert was cancelled) and ``expired`` (its alert expired first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import alert_texts, models

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
BLOCKED, DROPPED, CANCELLED, EXPIRED = "blocked", "dropped", "cancelled", "expired"
WAITING = (PENDING, SENDING)
BLOCKED_REASON = "blocked by the user"
NOT_SENDABLE = "not sendable"  # a failed row's reason: the platform's policy forbids it

Box = models.Outbox
T = cast(Table, models.Outbox.__table__)
UT = cast(Table, models.User.__table__)
U = models.User


@dataclass(frozen=True, slots=True)
class Claimed:
    """An outbox row this worker holds, with what it needs to send it."""

    id: int
    user_id: int
    channel: str
    user_key: str
    language: str
    kind: str
    priority: int
    payload: dict[str, Any]
    attempts: int
    parts_done: int
    alert_id: int | None
    expires_at: datetime | None


CLAIM_COLUMNS = (
    Box.id, Box.user_id, Box.channel, U.external_id, U.language, Box.kind, Box.priority,
    Box.payload, Box.attempts, Box.parts_done, Box.alert_id, Box.expires_at, U.reachable,
)  # fmt: skip


class DeliveryQueue:
    """Claiming and recording outbox rows (inside the caller's transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(
        self, channel: str, worker: str, now: datetime, until: datetime, limit: int
    ) -> list[Claimed]:
        """Take up to ``limit`` due rows of ``channel``: highest priority, then oldest.

        Rows whose alert has expired are left for ``expire_due``; rows of users who
        blocked the bot are dropped unsent.

        Returns:
            The rows, now ``sending`` and leased to ``worker`` until ``until``.
        """
        query = (
            select(*CLAIM_COLUMNS)
            .join(U, U.id == Box.user_id)
            .where(Box.channel == channel, Box.status == PENDING, Box.available_at <= now)
            .where(or_(Box.expires_at.is_(None), Box.expires_at > now))
            .order_by(Box.priority, Box.id)
            .limit(limit)
            .with_for_update(of=Box, skip_locked=True)
        )
        found = (await self._session.execute(query)).all()
        rows = await self._with_texts([Claimed(*row[:-1]) for row in found if row[-1]])
        unreachable = [row[0] for row in found if not row[-1]]
        await self._set(unreachable, status=DROPPED, last_error=BLOCKED_REASON)
        await self._set(
            [row.id for row in rows], status=SENDING, claimed_by=worker, claimed_until=until
        )
        return rows

    async def _with_texts(self, rows: list[Claimed]) -> list[Claimed]:
        """Rows with their alert's text in place of the reference to it."""
        texts = await alert_texts.resolve(self._session, ((r.alert_id, r.payload) for r in rows))
        return [replace(row, payload=text) for row, text in zip(rows, texts, strict=True)]

    async def renew(self, worker: str, until: datetime) -> int:
        """Extend the lease of every row ``worker`` holds; returns how many."""
        result = await self._session.execute(
            update(T)
            .where(T.c.claimed_by == worker, T.c.status == SENDING)
            .values(claimed_until=until)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def release(self, ids: Sequence[int], now: datetime) -> None:
        """Give claimed rows back unsent (the worker stops): pending and due at once."""
        await self._set(
            ids, status=PENDING, claimed_by=None, claimed_until=None, available_at=now,
            only=SENDING,
        )  # fmt: skip

    async def reclaim_expired(self, now: datetime) -> int:
        """Make rows whose lease ran out (their worker died) pending again."""
        result = await self._session.execute(
            update(T)
            .where(T.c.status == SENDING, T.c.claimed_until < now)
            .values(status=PENDING, claimed_by=None, claimed_until=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def expire_due(self, now: datetime) -> int:
        """Mark waiting rows whose alert has expired: they are never delivered."""
        result = await self._session.execute(
            update(T)
            .where(T.c.status.in_(WAITING), T.c.expires_at <= now)
            .values(status=EXPIRED, claimed_by=None, claimed_until=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        """Record rows as delivered."""
        await self._set(
            ids, status=SENT, sent_at=now, claimed_by=None, claimed_until=None,
            attempts=T.c.attempts + 1, last_error=None,
        )  # fmt: skip

    async def reschedule(
        self, row_id: int, available_at: datetime, error: str, parts_done: int
    ) -> None:
        """Try a row again later (a passing failure); counts the attempt."""
        await self._set(
            [row_id], status=PENDING, available_at=available_at, last_error=error[:500],
            parts_done=parts_done, attempts=T.c.attempts + 1, claimed_by=None,
            claimed_until=None,
        )  # fmt: skip

    async def fail(self, row_id: int, error: str, parts_done: int) -> None:
        """Give up on a row, keeping the reason."""
        await self._set(
            [row_id], status=FAILED, last_error=error[:500], parts_done=parts_done,
            attempts=T.c.attempts + 1, claimed_by=None, claimed_until=None,
        )  # fmt: skip

    async def block(self, row_id: int) -> int:
        """The user blocked the bot: mark them unreachable and drop their waiting rows.

        Returns:
            How many other rows of theirs were dropped.
        """
        user_id = await self._session.scalar(select(T.c.user_id).where(T.c.id == row_id))
        if user_id is None:
            return 0
        await self._session.execute(update(UT).where(UT.c.id == user_id).values(reachable=False))
        await self._set(
            [row_id], status=BLOCKED, last_error=BLOCKED_REASON, attempts=T.c.attempts + 1,
            claimed_by=None, claimed_until=None,
        )  # fmt: skip
        result = await self._session.execute(
            update(T)
            .where(T.c.user_id == user_id, T.c.status == PENDING)
            .values(status=DROPPED, last_error=BLOCKED_REASON)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def waiting(self, channels: Sequence[str]) -> int:
        """Rows of ``channels`` still to deliver (pending or being sent)."""
        query = select(func.count()).where(
            T.c.channel.in_(list(channels)), T.c.status.in_(WAITING)
        )
        return int(await self._session.scalar(query) or 0)

    async def lost(self, worker: str, ids: Iterable[int]) -> set[int]:
        """Of the rows ``worker`` holds, those it no longer owns (cancelled, expired or
        reclaimed by another worker meanwhile): they must not be sent."""
        wanted = list(ids)
        if not wanted:
            return set()
        query = select(T.c.id).where(
            T.c.id.in_(wanted), or_(T.c.status != SENDING, T.c.claimed_by != worker)
        )
        return set((await self._session.scalars(query)).all())

    async def _set(self, ids: Sequence[int], only: str | None = None, **values: Any) -> None:
        if not ids:
            return
        statement = update(T).where(T.c.id.in_(list(ids)))
        if only is not None:
            statement = statement.where(T.c.status == only)
        await self._session.execute(statement.values(**values))
