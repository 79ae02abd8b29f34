"""Users, conversations, processed updates, units and the outbox.

Repositories work inside the caller's transaction and never commit: the shell
owns the unit of work (one transaction per incoming update).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage import alert_texts, limits, models
from storage.records import ConversationRecord, UserRecord


class Users:
    """Who talks to the bot."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_or_create(
        self, channel: str, external_id: str, now: datetime, name: str | None = None,
        language: str = "vi", seen: bool = True,
    ) -> UserRecord:  # fmt: skip
        """Return the user behind a chat, creating them on first contact.

        Concurrent first messages from one chat create one user: the insert is
        idempotent on (channel, external_id). Only the person's own messages move
        ``last_seen_at`` (``seen``; Messenger's 24-hour window counts from it).
        """
        external_id = limits.fit_key(external_id, limits.EXTERNAL_ID)
        values = {
            "channel": channel,
            "external_id": external_id,
            "name": limits.clip(name, limits.NAME),
            "language": language[:5],
            "role": "citizen",
            "reachable": True,
            "created_at": now,
            "last_seen_at": now,
        }
        insert = _insert_for(self._session)(models.User).values(**values)
        await self._session.execute(insert.on_conflict_do_nothing())
        row = await self._session.scalar(
            select(models.User).where(
                models.User.channel == channel, models.User.external_id == external_id
            )
        )
        assert row is not None
        if seen:
            row.last_seen_at = now
        return _user(row)

    async def find(self, channel: str, external_id: str) -> UserRecord | None:
        """The user behind a chat, if they have written before."""
        external_id = limits.fit_key(external_id, limits.EXTERNAL_ID)
        row = await self._session.scalar(
            select(models.User).where(
                models.User.channel == channel, models.User.external_id == external_id
            )
        )
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


class Conversations:
    """The dialog each user is in, kept in the store so any process can continue it."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, user_id: int) -> ConversationRecord | None:
        """Return the user's open dialog, if any."""
        row = await self._session.get(models.Conversation, user_id)
        if row is None:
            return None
        return ConversationRecord(row.flow, row.state, dict(row.data), row.updated_at)

    async def save(
        self, user_id: int, flow: str, state: str, data: dict[str, Any], now: datetime
    ) -> None:
        """Store where the dialog is now."""
        row = await self._session.get(models.Conversation, user_id)
        if row is None:
            row = models.Conversation(user_id=user_id, flow=flow, state=state)
            self._session.add(row)
        row.flow, row.state, row.data, row.updated_at = flow, state, dict(data), now
        await self._session.flush()

    async def clear(self, user_id: int) -> None:
        """Leave any dialog."""
        await self._session.execute(
            delete(models.Conversation).where(models.Conversation.user_id == user_id)
        )


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
        insert = _insert_for(self._session)(models.ProcessedUpdate).values(
            channel=channel, update_id=update_id, processed_at=now, replies=[]
        )
        result = await self._session.execute(insert.on_conflict_do_nothing())
        return bool(getattr(result, "rowcount", 0))

    async def finish(
        self, channel: str, update_id: str, user_id: int | None, replies: list[dict[str, Any]]
    ) -> None:
        """Keep the replies a delivery produced, to answer a replay the same way."""
        await self._session.execute(
            update(models.ProcessedUpdate)
            .where(
                models.ProcessedUpdate.channel == channel,
                models.ProcessedUpdate.update_id == update_id,
            )
            .values(user_id=user_id, replies=replies)
        )

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
