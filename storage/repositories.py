"""Users, processed updates and units (conversations: ``storage/conversations.py``; the
outbox: ``storage/outbox.py``).

Repositories work inside the caller's transaction and never commit: the shell
owns the unit of work (one transaction per incoming update).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage import limits, models
from storage.records import UserRecord

# The statements of every update, built once: SQLAlchemy then finds their compiled form
# without building and hashing a new statement each time.
_USER_BY_KEY = select(models.User).where(
    models.User.channel == bindparam("channel"),
    models.User.external_id == bindparam("external_id"),
)
_NEW_USER = {
    name: insert(models.User).values(
        channel=bindparam("u_channel"), external_id=bindparam("u_external_id"),
        name=bindparam("u_name"), language=bindparam("u_language"), role="citizen",
        reachable=True, created_at=bindparam("u_at", type_=models.User.created_at.type),
        last_seen_at=bindparam("u_at", type_=models.User.last_seen_at.type),
    ).on_conflict_do_nothing()
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}  # fmt: skip
_Processed = models.ProcessedUpdate
_FINISH_UPDATE = (
    update(_Processed)
    .where(_Processed.channel == bindparam("p_channel"),
           _Processed.update_id == bindparam("p_update_id"))
    .values(user_id=bindparam("p_user_id"),
            replies=bindparam("p_replies", type_=_Processed.replies.type))
)  # fmt: skip
_CLAIM_UPDATE = {
    name: insert(_Processed).values(
        channel=bindparam("p_channel"), update_id=bindparam("p_update_id"),
        processed_at=bindparam("p_at", type_=_Processed.processed_at.type), replies=[],
    ).on_conflict_do_nothing()
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}  # fmt: skip


class Users:
    """Who talks to the bot."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._seen: dict[tuple[str, str], models.User] = {}  # rows this transaction read

    async def get_or_create(
        self, channel: str, external_id: str, now: datetime, name: str | None = None,
        language: str = "vi", seen: bool = True,
    ) -> UserRecord:  # fmt: skip
        """Return the user behind a chat, creating them on first contact.

        Concurrent first messages from one chat create one user: the insert is
        idempotent on (channel, external_id). Only the person's own messages move
        ``last_seen_at`` (``seen``; Messenger's 24-hour window counts from it). A known
        user costs one read, and a second call in the same transaction none.
        """
        external_id = limits.fit_key(external_id, limits.EXTERNAL_ID)
        row = self._seen.get((channel, external_id)) or await self._select(channel, external_id)
        if row is None:
            row = await self._create(channel, external_id, now, name, language)
        self._seen[(channel, external_id)] = row
        if seen:
            row.last_seen_at = now
        return _user(row)

    async def _select(self, channel: str, external_id: str) -> models.User | None:
        params = {"channel": channel, "external_id": external_id}
        return await self._session.scalar(_USER_BY_KEY, params)

    async def _create(
        self, channel: str, external_id: str, now: datetime, name: str | None, language: str
    ) -> models.User:
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        params = {"u_channel": channel, "u_external_id": external_id, "u_at": now,
                  "u_name": limits.clip(name, limits.NAME),
                  "u_language": language[:5]}  # fmt: skip
        await (await self._session.connection()).execute(_NEW_USER[dialect], params)
        row = await self._select(channel, external_id)  # theirs, if another created them
        assert row is not None
        return row

    async def find(self, channel: str, external_id: str) -> UserRecord | None:
        """The user behind a chat, if they have written before."""
        external_id = limits.fit_key(external_id, limits.EXTERNAL_ID)
        row = self._seen.get((channel, external_id)) or await self._select(channel, external_id)
        return _user(row) if row else None

    async def get(self, user_id: int) -> UserRecord | None:
        """Return a user by id."""
        row = await self._session.get(models.User, user_id)
        return _user(row) if row else None

    async def set_language(self, user_id: int, language: str) -> None:
        """Remember the language the user chose."""
        await self._session.execute(
            update(models.User).where(models.User.id == user_id).values(language=language)
        )

    async def set_contact(self, user_id: int, phone: str, name: str | None) -> None:
        """Keep a phone number the user chose to share."""
        values: dict[str, Any] = {"phone": limits.clip(phone, limits.PHONE, mark="")}
        if name:
            values["name"] = limits.clip(name, limits.NAME)
        await self._session.execute(
            update(models.User).where(models.User.id == user_id).values(**values)
        )

    async def set_reachable(self, channel: str, external_id: str, reachable: bool) -> bool:
        """Record whether messages can reach this chat (False once the user blocks the bot).

        Returns:
            True when the user was known (and so updated).
        """
        result = await self._session.execute(
            update(models.User)
            .where(models.User.channel == channel, models.User.external_id == external_id)
            .values(reachable=reachable)
        )
        return bool(getattr(result, "rowcount", 0))


class Updates:
    """Platform deliveries already processed: each is handled once."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, channel: str, update_id: str, now: datetime) -> bool:
        """Mark a delivery as being processed in this transaction.

        Returns:
            True when this transaction owns it; False when it was processed
            before (or is being processed by a transaction that will commit).
        """
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        params = {"p_channel": channel, "p_update_id": update_id, "p_at": now}
        connection = await self._session.connection()  # Core: rowcount, no ORM round
        result = await connection.execute(_CLAIM_UPDATE[dialect], params)
        return bool(result.rowcount)

    async def finish(
        self, channel: str, update_id: str, user_id: int | None, replies: list[dict[str, Any]]
    ) -> None:
        """Keep the replies a delivery produced, to answer a replay the same way."""
        params = {"p_channel": channel, "p_update_id": update_id, "p_user_id": user_id,
                  "p_replies": replies}  # fmt: skip
        await (await self._session.connection()).execute(_FINISH_UPDATE, params)

    async def replies_of(self, channel: str, update_id: str) -> list[dict[str, Any]]:
        """The replies a processed delivery produced."""
        row = await self._session.get(models.ProcessedUpdate, (channel, update_id))
        return list(row.replies) if row else []


class Units:
    """The units from config.yml, mirrored so reports can reference them."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def sync(self, units: Iterable[tuple[str, str, str, str | None]]) -> None:
        """Insert or update units (code, name_vi, name_en, phone); mark others inactive.

        An upsert, so that several processes starting at once all succeed.
        """
        seen: set[str] = set()
        for code, name_vi, name_en, phone in units:
            seen.add(code)
            values = {"name_vi": name_vi, "name_en": name_en, "phone": phone, "active": True}
            upsert = _insert_for(self._session)(models.Unit).values(code=code, **values)
            await self._session.execute(
                upsert.on_conflict_do_update(index_elements=["code"], set_=values)
            )
        await self._session.execute(
            update(models.Unit).where(models.Unit.code.not_in(seen)).values(active=False)
        )
        await self._session.flush()


def _insert_for(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return pg_insert if dialect == "postgresql" else sqlite_insert


def _user(row: models.User) -> UserRecord:
    return UserRecord(
        id=row.id,
        channel=row.channel,
        external_id=row.external_id,
        language=row.language,
        role=row.role,
        unit_code=row.unit_code,
        reachable=row.reachable,
        name=row.name,
        phone=row.phone,
        last_seen_at=row.last_seen_at,
    )
