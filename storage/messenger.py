"""Messenger's notification opt-ins: one token per citizen (PSID), with its expiry.

Inbound events wait in the intake every channel shares (``storage/intake.py``). A
citizen who opts in to the Page's notifications gives a token that may carry an alert to
them outside the 24-hour window (see bot/channels/messenger/render.py ``delivery``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models

Row = models.MessengerOptin


class MessengerOptins:
    """The newest opt-in token of each citizen."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def keep(
        self, user_key: str, token: str, expires_at: datetime | None, topic: str | None,
        now: datetime,
    ) -> None:  # fmt: skip
        """Keep the citizen's newest token (it replaces an older one)."""
        row = await self._session.get(Row, user_key, with_for_update=True)
        if row is None:
            row = Row(user_key=user_key)
            self._session.add(row)
        row.token, row.expires_at, row.topic, row.updated_at = token, expires_at, topic, now
        await self._session.flush()

    async def stop(self, user_key: str) -> None:
        """The citizen stopped the notifications: forget the token."""
        await self._session.execute(delete(Row).where(Row.user_key == user_key))

    async def token(self, user_key: str, now: datetime) -> str | None:
        """The citizen's token while it has not expired, else None."""
        query = select(Row.token, Row.expires_at).where(Row.user_key == user_key)
        found = (await self._session.execute(query)).first()
        if found is None or (found.expires_at is not None and found.expires_at <= now):
            return None
        return str(found.token)
