"""Zalo's reply windows and the Official Account's tokens.

Inbound events wait in the intake every channel shares (``storage/intake.py``); button
texts live in ``storage/buttons.py``, shared by every messenger. ``ZaloWindows`` keeps
each citizen's last message and how many messages went out since (Zalo's free 48-hour
reply window).
``ZaloTokens`` holds the OA's access and refresh tokens (see bot/channels/zalo/client.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models


@dataclass(frozen=True, slots=True)
class Window:
    """A citizen's reply window: their last message, and messages sent to them since."""

    last_interaction_at: datetime
    sent_since: int


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    return pg_insert if dialect == "postgresql" else sqlite_insert


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class ZaloWindows:
    """Each citizen's last message (Zalo's reply window) and what was sent since."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def touch(self, user_key: str, at: datetime) -> None:
        """The citizen wrote at ``at``: a newer message opens a fresh window."""
        values = {"user_key": user_key, "last_interaction_at": at, "sent_since": 0}
        insert = _insert(self._session)(models.ZaloWindow).values(**values)
        await self._session.execute(insert.on_conflict_do_nothing())
        row = models.ZaloWindow
        await self._session.execute(
            update(row)
            .where(row.user_key == user_key, row.last_interaction_at < at)
            .values(last_interaction_at=at, sent_since=0)
        )

    async def get(self, user_key: str) -> Window | None:
        """The citizen's window, or None if they never wrote."""
        row = await self._session.get(models.ZaloWindow, user_key, populate_existing=True)
        return Window(row.last_interaction_at, row.sent_since) if row is not None else None

    async def count_sent(self, user_key: str, messages: int) -> None:
        """Count messages sent to the citizen in their current window."""
        row = models.ZaloWindow
        await self._session.execute(
            update(row)
            .where(row.user_key == user_key)
            .values(sent_since=row.sent_since + messages)
        )


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """The OA's tokens as stored."""

    access_token: str | None
    access_expires_at: datetime | None
    refresh_token: str
    refresh_expires_at: datetime | None
    seed_hash: str
    lease_owner: str | None
    lease_until: datetime | None


@dataclass(frozen=True, slots=True)
class Tokens:
    """A fresh pair from Zalo's OAuth server."""

    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


class ZaloTokens:
    """The OA's tokens, one row per Zalo app, replaced as a whole."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, app_id: str) -> TokenRecord | None:
        """The stored tokens of ``app_id``."""
        row = await self._session.get(models.ZaloToken, app_id, populate_existing=True)
        if row is None:
            return None
        return TokenRecord(
            row.access_token, row.access_expires_at, row.refresh_token, row.refresh_expires_at,
            row.seed_hash, row.lease_owner, row.lease_until,
        )  # fmt: skip

    async def seed(
        self, app_id: str, seed_hash: str, refresh_token: str, access_token: str | None,
        access_expires_at: datetime | None, now: datetime,
    ) -> bool:  # fmt: skip
        """Store tokens from the environment unless this very seed was stored before.

        Returns:
            True when the row was created or replaced (a new ZALO_REFRESH_TOKEN).
        """
        row = await self._session.get(models.ZaloToken, app_id, with_for_update=True)
        if row is not None and row.seed_hash == seed_hash:
            return False
        if row is None:
            row = models.ZaloToken(app_id=app_id)
            self._session.add(row)
        row.seed_hash, row.refresh_token, row.refresh_expires_at = seed_hash, refresh_token, None
        row.access_token, row.access_expires_at = access_token, access_expires_at
        row.lease_owner, row.lease_until, row.updated_at = None, None, now
        await self._session.flush()
        return True

    async def take_lease(self, app_id: str, owner: str, now: datetime, until: datetime) -> bool:
        """Become the one process that refreshes; False while another one holds the lease."""
        row = models.ZaloToken
        free = or_(row.lease_until.is_(None), row.lease_until < now, row.lease_owner == owner)
        result = await self._session.execute(
            update(row).where(row.app_id == app_id, free).values(lease_owner=owner,
                                                                 lease_until=until)
        )  # fmt: skip
        return _count(result) == 1

    async def save(self, app_id: str, tokens: Tokens, now: datetime) -> None:
        """Replace both tokens at once and end any lease (one statement, one transaction)."""
        row = models.ZaloToken
        values = {
            "access_token": tokens.access_token, "access_expires_at": tokens.access_expires_at,
            "refresh_token": tokens.refresh_token, "refresh_expires_at": tokens.refresh_expires_at,
            "lease_owner": None, "lease_until": None, "updated_at": now,
        }  # fmt: skip
        await self._session.execute(update(row).where(row.app_id == app_id).values(**values))

    async def release(self, app_id: str, owner: str) -> None:
        """Give the lease up without new tokens (the refresh failed)."""
        row = models.ZaloToken
        await self._session.execute(
            update(row)
            .where(row.app_id == app_id, row.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )
