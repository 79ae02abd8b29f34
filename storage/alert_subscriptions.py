"""Which wards' alerts a citizen asked for, and whether they opted out of the rest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models

S = models.AlertSubscription


class Subscriptions:
    """Ward subscriptions and opt-outs (inside the caller's transaction)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def wards_of(self, user_id: int) -> list[str]:
        """The wards a user subscribed to, in the order they did."""
        rows = await self._session.scalars(
            select(S.ward).where(S.user_id == user_id).order_by(S.created_at, S.id)
        )
        return list(rows)

    async def add(self, user_id: int, wards: Sequence[str], now: datetime) -> list[str]:
        """Subscribe to wards; returns those that were new."""
        have = set(await self.wards_of(user_id))
        new = [ward for ward in dict.fromkeys(wards) if ward not in have]
        for ward in new:
            self._session.add(S(user_id=user_id, ward=ward, created_at=now))
        await self._session.flush()
        return new

    async def remove(self, user_id: int, wards: Sequence[str]) -> list[str]:
        """Unsubscribe from wards; returns those that were subscribed."""
        have = await self.wards_of(user_id)
        gone = [ward for ward in have if ward in set(wards)]
        if gone:
            await self._session.execute(delete(S).where(S.user_id == user_id, S.ward.in_(gone)))
        return gone

    async def remove_all(self, user_id: int) -> list[str]:
        """Drop every subscription of a user; returns the wards."""
        return await self.remove(user_id, await self.wards_of(user_id))

    async def opted_out(self, user_id: int) -> bool:
        """True when the user asked for no alerts beyond their subscriptions."""
        return await self._session.get(models.AlertOptOut, user_id) is not None

    async def opt_out(self, user_id: int, now: datetime) -> None:
        """No more city-wide alerts, nor alerts for the ward of the user's last report."""
        if not await self.opted_out(user_id):
            self._session.add(models.AlertOptOut(user_id=user_id, created_at=now))
            await self._session.flush()

    async def opt_in(self, user_id: int) -> None:
        """Undo ``opt_out``."""
        await self._session.execute(
            delete(models.AlertOptOut).where(models.AlertOptOut.user_id == user_id)
        )

    async def last_report_ward(self, user_id: int) -> str | None:
        """The ward of the user's latest report, if it had one."""
        query = (
            select(models.Report.ward)
            .where(models.Report.user_id == user_id)
            .order_by(models.Report.created_at.desc(), models.Report.id.desc())
            .limit(1)
        )
        return await self._session.scalar(query)
