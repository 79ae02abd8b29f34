"""The one intake queue of every messenger: updates stored before they are acknowledged.

``Intake.add`` inserts a batch of arrivals in one statement (a re-delivery, same
``(channel, update_key)``, is ignored) and may lease the new rows to the storing
process at once, so that it hands them to its workers without reading them back:
only when no other pending row of the same chat could have to go first. Everything
else is found by ``claim``: one chat at a time in ``(position, id)`` order, an album
(rows sharing a ``group_key``) as one batch once it has settled.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.types import Text

from storage import limits, models
from storage.failed_updates import FailedUpdate

PENDING, DONE, FAILED = "pending", "done", "failed"
CANDIDATES = 20
Row = models.ChannelUpdate


_CHAT_LOCKS = text(
    "SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM unnest(:keys) AS k"
).bindparams(bindparam("keys", type_=ARRAY(Text)))
# Built once (every update is finished): SQLAlchemy finds its compiled form at once.
_FINISH = (
    update(Row).where(Row.id.in_(bindparam("ids", expanding=True))).values(
        status=DONE, done_at=bindparam("done_at", type_=Row.done_at.type), payload={},
        lease_owner=None, lease_until=None,
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Arrival:
    """An update as a channel hands it in: its platform key, chat, order and content."""

    update_key: str
    chat_key: str | None
    position: int
    payload: dict[str, Any] = field(hash=False)
    group_key: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Claimed:
    """A stored update leased to a worker (``attempts`` counts this try)."""

    id: int
    update_key: str
    chat_key: str | None
    payload: dict[str, Any] = field(hash=False)
    attempts: int = 1
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Stored:
    """What ``add`` did with an arrival: new or not, and leased to the caller or not."""

    arrival: Arrival
    fresh: bool
    claimed: Claimed | None = None


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return pg_insert if dialect == "postgresql" else sqlite_insert


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def fitted(arrival: Arrival) -> Arrival:
    """The arrival with every key cut to what the table holds (digests keep them unique)."""
    chat, group = arrival.chat_key, arrival.group_key
    return Arrival(
        limits.fit_key(arrival.update_key, limits.INTAKE_KEY),
        limits.fit_key(chat, limits.CHAT_KEY) if chat else None,
        arrival.position, arrival.payload,
        limits.fit_key(group, limits.GROUP_KEY) if group else None,
        limits.clip(arrival.kind, limits.UPDATE_KIND, mark="") if arrival.kind else None,
    )  # fmt: skip


class Intake:
    """Stored updates of every channel, waiting for a worker."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, channel: str, arrivals: Sequence[Arrival], now: datetime, *,
        holder: str | None = None, lease: timedelta = timedelta(0),
        held: Collection[str] = (),
    ) -> list[Stored]:  # fmt: skip
        """Keep new arrivals; lease them to ``holder`` where the chat's order allows it.

        A new row is leased when it is not part of an album and every pending row of its
        chat is held by ``holder`` in one of the ``held`` chats (its in-memory lanes).
        """
        unique = list({a.update_key: a for a in map(fitted, arrivals)}.values())
        if not unique:
            return []
        takeable = await self._takeable(channel, unique, holder, held) if holder else set()
        rows = [self._values(channel, a, now, holder, lease, takeable) for a in unique]
        insert = _insert(self._session)(Row).values(rows).on_conflict_do_nothing()
        result = await self._session.execute(insert.returning(Row.id, Row.update_key))
        ids = {key: row_id for row_id, key in result.all()}
        return [self._stored(a, ids.get(a.update_key), takeable) for a in unique]

    async def _takeable(
        self, channel: str, arrivals: list[Arrival], holder: str | None, held: Collection[str]
    ) -> set[str]:
        """Chats whose new rows may be leased at once (no one else's row goes first)."""
        chats = sorted({a.chat_key for a in arrivals if a.chat_key and a.group_key is None})
        if not chats:
            return set()
        if self._session.bind is not None and self._session.bind.dialect.name == "postgresql":
            # two processes storing for one chat take turns; locks in key order, no deadlock
            keys = [f"intake:{channel}:{chat}" for chat in chats]
            await (await self._session.connection()).execute(_CHAT_LOCKS, {"keys": keys})
        query = select(Row.chat_key, Row.lease_owner).where(
            Row.channel == channel, Row.chat_key.in_(chats), Row.status == PENDING
        )
        blocked = {
            chat for chat, owner in (await self._session.execute(query)).all()
            if owner != holder or chat not in held
        }  # fmt: skip
        return set(chats) - blocked

    @staticmethod
    def _values(
        channel: str, arrival: Arrival, now: datetime, holder: str | None, lease: timedelta,
        takeable: set[str],
    ) -> dict[str, Any]:  # fmt: skip
        taken = arrival.chat_key in takeable
        return {
            "channel": channel, "update_key": arrival.update_key, "chat_key": arrival.chat_key,
            "group_key": arrival.group_key, "kind": arrival.kind, "position": arrival.position,
            "payload": arrival.payload, "status": PENDING, "attempts": 1 if taken else 0,
            "received_at": now, "next_at": None, "lease_owner": holder if taken else None,
            "lease_until": now + lease if taken else None, "done_at": None, "last_error": None,
        }  # fmt: skip

    @staticmethod
    def _stored(arrival: Arrival, row_id: int | None, takeable: set[str]) -> Stored:
        if row_id is None:
            return Stored(arrival, False)
        if arrival.chat_key not in takeable:
            return Stored(arrival, True)
        claimed = Claimed(row_id, arrival.update_key, arrival.chat_key, arrival.payload, 1,
                          arrival.kind)  # fmt: skip
        return Stored(arrival, True, claimed)

    async def claim(
        self, channel: str, now: datetime, lease: timedelta, holder: str | None = None,
        album_wait: timedelta = timedelta(0),
    ) -> list[Claimed]:  # fmt: skip
        """Lease the next batch to process: one update, or all the items of one album.

        A chat's updates come out in order: an update waits while an earlier one of the
        same chat is pending. An album waits until ``album_wait`` has passed since its
        newest item arrived. Returns an empty list when nothing is ready.
        """
        for row in await self._candidates(channel, now):
            batch = await self._batch(row, now, album_wait)
            if batch:
                claimed = [Claimed(r.id, r.update_key, r.chat_key, dict(r.payload),
                                   r.attempts + 1, r.kind) for r in batch]  # fmt: skip
                await self._session.execute(
                    update(Row).where(Row.id.in_([r.id for r in batch])).values(
                        lease_owner=holder, lease_until=now + lease, attempts=Row.attempts + 1
                    )
                )  # fmt: skip
                return claimed
        return []

    async def _candidates(self, channel: str, now: datetime) -> Sequence[models.ChannelUpdate]:
        earlier = aliased(Row)
        blocked = exists().where(
            earlier.channel == Row.channel,
            earlier.chat_key == Row.chat_key,
            earlier.status == PENDING,
            or_(earlier.position < Row.position,
                and_(earlier.position == Row.position, earlier.id < Row.id)),
            or_(Row.group_key.is_(None), earlier.group_key.is_(None),
                earlier.group_key != Row.group_key),
        )  # fmt: skip
        query = (
            select(Row)
            .where(Row.channel == channel, Row.status == PENDING)
            .where(or_(Row.lease_until.is_(None), Row.lease_until < now))
            .where(or_(Row.next_at.is_(None), Row.next_at <= now))
            .where(~blocked)
            .order_by(Row.position, Row.id)
            .limit(CANDIDATES)
            .with_for_update(skip_locked=True)
        )
        return (await self._session.scalars(query)).all()

    async def _batch(
        self, row: models.ChannelUpdate, now: datetime, album_wait: timedelta
    ) -> list[models.ChannelUpdate]:
        if row.group_key is None:
            return [row]
        album = and_(Row.channel == row.channel, Row.chat_key == row.chat_key,
                     Row.group_key == row.group_key, Row.status == PENDING)  # fmt: skip
        newest = await self._session.scalar(select(func.max(Row.received_at)).where(album))
        if newest is not None and newest > now - album_wait:
            return []
        query = select(Row).where(album).order_by(Row.position, Row.id).with_for_update()
        return list((await self._session.scalars(query)).all())

    async def finish(self, ids: Sequence[int], now: datetime) -> None:
        """Mark updates processed and forget their content (the keys stay, for dedupe)."""
        connection = await self._session.connection()  # Core, not the ORM's bulk update
        await connection.execute(_FINISH, {"ids": list(ids), "done_at": now})

    async def retry_later(
        self, ids: Sequence[int], at: datetime, give_up: bool, error: str | None = None
    ) -> None:
        """Processing failed with ``error``: try again at ``at``, or mark failed (kept)."""
        values: dict[str, Any] = {
            "lease_owner": None, "lease_until": None, "next_at": at,
            "last_error": (error or "")[:300] or None,
        }  # fmt: skip
        if give_up:
            values.update(status=FAILED, done_at=at)
        await self._session.execute(update(Row).where(Row.id.in_(list(ids))).values(**values))

    async def unlease(self, ids: Sequence[int]) -> None:
        """Hand leased rows back untouched (their attempt does not count)."""
        await self._session.execute(
            update(Row).where(Row.id.in_(list(ids)), Row.status == PENDING).values(
                lease_owner=None, lease_until=None, attempts=Row.attempts - 1
            )
        )  # fmt: skip

    async def release_except(self, alive: Sequence[str]) -> int:
        """Hand back the pending rows leased to holders not in ``alive``; how many."""
        result = await self._session.execute(
            update(Row)
            .where(Row.status == PENDING, Row.lease_owner.is_not(None))
            .where(Row.lease_owner.not_in(alive))
            .values(lease_owner=None, lease_until=None)
        )
        return _count(result)

    async def prune(self, channel: str, before: datetime) -> int:
        """Delete the channel's rows finished before ``before``; return how many."""
        result = await self._session.execute(
            delete(Row).where(Row.channel == channel, Row.status != PENDING,
                              Row.done_at < before)
        )  # fmt: skip
        return _count(result)

    async def failed(self, limit: int = 50) -> list[FailedUpdate]:
        """The newest given-up updates of every channel with their errors, for the operators."""
        rows = await self._session.scalars(
            select(Row).where(Row.status == FAILED).order_by(Row.done_at.desc()).limit(limit)
        )
        return [
            FailedUpdate(r.channel, r.update_key, r.chat_key, r.attempts, r.received_at,
                         r.done_at, r.last_error)
            for r in rows
        ]  # fmt: skip

    async def counts(self, channel: str) -> dict[str, int]:
        """How many of the channel's rows are pending, done and failed."""
        rows = await self._session.execute(
            select(Row.status, func.count()).where(Row.channel == channel).group_by(Row.status)
        )
        return {status: int(count) for status, count in rows.all()}

    async def last_received(self, channel: str) -> datetime | None:
        """When the channel's newest stored update arrived."""
        query = select(func.max(Row.received_at)).where(Row.channel == channel)
        return await self._session.scalar(query)
