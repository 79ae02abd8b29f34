"""Who holds leases, and taking back the leases of processes that are gone.

Every process that claims work (queued updates, outbox rows) beats in
``worker_heartbeat`` under its holder name and marks what it claims with that name.
``release_except`` hands back at once every row held by a name that is not alive,
instead of waiting for the leases to run out (30 s for the outbox, 5 min for updates).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models

Beat = models.WorkerHeartbeat


class Leases:
    """Heartbeats and the release of dead holders' leases."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def beat(self, holder: str, now: datetime) -> None:
        """Say ``holder`` is alive now (its first beat records when it started)."""
        result = await self._session.execute(
            update(Beat).where(Beat.holder == holder).values(seen_at=now)
        )
        if not getattr(result, "rowcount", 0):
            self._session.add(Beat(holder=holder, started_at=now, seen_at=now))
            await self._session.flush()

    async def holders(self) -> dict[str, datetime]:
        """Every holder that has beaten, and when it was last seen."""
        rows = await self._session.execute(select(Beat.holder, Beat.seen_at))
        return {str(holder): seen for holder, seen in rows}

    async def forget(self, holders: Sequence[str]) -> None:
        """Drop the heartbeats of holders that are gone (or stopped)."""
        if holders:
            await self._session.execute(delete(Beat).where(Beat.holder.in_(holders)))

    async def release_except(self, alive: Sequence[str]) -> dict[str, int]:
        """Hand back every row held by a holder not in ``alive``; how many, per queue."""
        return await self._release(lambda holder: holder.not_in(alive))

    async def release(self, holders: Sequence[str]) -> dict[str, int]:
        """Hand back every row held by ``holders`` (a process stopping gracefully)."""
        return await self._release(lambda holder: holder.in_(holders))

    async def _release(self, which: Callable[[Any], Any]) -> dict[str, int]:
        box, intake = models.Outbox, models.ChannelUpdate
        counts = {
            "outbox": await self._run(
                update(box)
                .where(box.status == "sending", box.claimed_by.is_not(None))
                .where(which(box.claimed_by))
                .values(status="pending", claimed_by=None, claimed_until=None)
            ),
        }
        counts["intake"] = await self._run(
            update(intake)
            .where(intake.status == "pending", intake.lease_owner.is_not(None))
            .where(which(intake.lease_owner))
            .values(lease_owner=None, lease_until=None)
        )
        return counts

    async def _run(self, statement: object) -> int:
        result = await self._session.execute(statement)  # type: ignore[call-overload]
        return int(getattr(result, "rowcount", 0) or 0)
