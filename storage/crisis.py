"""Crisis mode's areas, urgent reports' acknowledgement and the urgent lane's re-sends.

An urgent report (an SOS) must be taken on by a person quickly: until someone does,
the scheduler tells its unit again every few minutes and escalates. Each re-send is
claimed with a compare-and-set on ``urgent_sent_at``, so with several processes each
nudge goes out once. The first time an official takes any report on (in progress,
more information asked, resolved) is its ``acknowledged_at``: the figure units are
held to (time to first human acknowledgement).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.records import OPEN_STATUSES, ReportRecord, Status
from storage.reports import _report

# A person took the report on when one of these is their first move.
ACKNOWLEDGING = frozenset({Status.IN_PROGRESS, Status.NEED_INFO, Status.RESOLVED})
NOT_A_PERSON = frozenset({"citizen", "system"})
WHOLE_CITY = "*"


@dataclass(frozen=True, slots=True)
class CrisisRecord:
    """One switch of crisis mode."""

    id: int
    area: str
    reason: str | None
    source: str
    started_by: str
    started_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Unacknowledged:
    """An urgent report nobody has taken on yet, and when its unit was last told."""

    report_id: int
    unit_code: str
    created_at: datetime
    sent_at: datetime | None


def acknowledges(actor: str, actor_user_id: int | None, new_status: str) -> bool:
    """Whether a change by ``actor`` to ``new_status`` means a person took the report on."""
    return actor_user_id is not None and actor not in NOT_A_PERSON and new_status in ACKNOWLEDGING


class Crisis:
    """Crisis areas and the urgent lane, bound to one session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def start(
        self, area: str, *, source: str, actor: str, now: datetime, reason: str | None = None
    ) -> bool:
        """Switch crisis mode on for ``area`` (a ward key, or ``*``).

        Returns:
            False when it was already on there (nothing is written).
        """
        if any(row.area == area for row in await self.active()):
            return False
        self._session.add(
            models.CrisisArea(
                area=area, reason=reason, source=source, started_by=actor, started_at=now
            )
        )
        await self._session.flush()
        return True

    async def end(self, area: str | None, *, actor: str, now: datetime) -> int:
        """Switch crisis mode off for ``area`` (``None``: everywhere).

        Returns:
            How many areas were switched off.
        """
        query = update(models.CrisisArea).where(models.CrisisArea.ended_at.is_(None))
        if area is not None:
            query = query.where(models.CrisisArea.area == area)
        result = await self._session.execute(query.values(ended_at=now, ended_by=actor))
        return int(getattr(result, "rowcount", 0) or 0)

    async def end_from(self, source: str, *, actor: str, now: datetime) -> int:
        """Switch off the areas ``source`` switched on (an alert being cancelled)."""
        result = await self._session.execute(
            update(models.CrisisArea)
            .where(models.CrisisArea.ended_at.is_(None), models.CrisisArea.source == source)
            .values(ended_at=now, ended_by=actor)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def active(self) -> Sequence[CrisisRecord]:
        """The areas in crisis mode now, oldest first."""
        rows = await self._session.scalars(
            select(models.CrisisArea)
            .where(models.CrisisArea.ended_at.is_(None))
            .order_by(models.CrisisArea.id)
        )
        return [_crisis(row) for row in rows]

    async def history(self, limit: int = 20) -> Sequence[CrisisRecord]:
        """The latest switches, newest first."""
        rows = await self._session.scalars(
            select(models.CrisisArea).order_by(models.CrisisArea.id.desc()).limit(limit)
        )
        return [_crisis(row) for row in rows]

    async def open_urgent(self, units: Sequence[str] = (), limit: int = 100) -> list[ReportRecord]:
        """Open urgent reports (of ``units``; () for every unit), oldest first."""
        query = select(models.Report).where(
            models.Report.urgent.is_(True),
            models.Report.status.in_([str(status) for status in OPEN_STATUSES]),
        )
        if units:
            query = query.where(models.Report.unit_code.in_(units))
        query = query.order_by(models.Report.created_at, models.Report.id).limit(limit)
        return [_report(row) for row in await self._session.scalars(query)]

    async def acknowledge(self, report_id: int, now: datetime) -> bool:
        """Record the first time a person took the report on.

        Returns:
            True only for the first acknowledgement.
        """
        result = await self._session.execute(
            update(models.Report)
            .where(models.Report.id == report_id, models.Report.acknowledged_at.is_(None))
            .values(acknowledged_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def describe(self, report_id: int, people: int | None, needs: tuple[str, ...]) -> None:
        """Keep who is there (an SOS's answer), without forgetting what was known."""
        values: dict[str, object] = {}
        if people is not None:
            values["people"] = people
        if needs:
            values["needs"] = ",".join(needs)
        if values:
            await self._session.execute(
                update(models.Report).where(models.Report.id == report_id).values(**values)
            )

    async def claim_escalation(self, report_id: int, now: datetime) -> bool:
        """Take the one escalation of an urgent report nobody acknowledged in time."""
        result = await self._session.execute(
            update(models.Report)
            .where(
                models.Report.id == report_id,
                models.Report.acknowledged_at.is_(None),
                models.Report.urgent_escalated_at.is_(None),
            )
            .values(urgent_escalated_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def unacknowledged(
        self, now: datetime, every: timedelta, limit: int = 200
    ) -> Sequence[Unacknowledged]:
        """Open urgent reports nobody has taken on whose unit is due to be told again."""
        rows = await self._session.execute(
            select(
                models.Report.id,
                models.Report.unit_code,
                models.Report.created_at,
                models.Report.urgent_sent_at,
            )
            .where(
                models.Report.urgent.is_(True),
                models.Report.acknowledged_at.is_(None),
                models.Report.status.in_([str(status) for status in OPEN_STATUSES]),
                or_(
                    models.Report.urgent_sent_at.is_(None),
                    models.Report.urgent_sent_at <= now - every,
                ),
            )
            .order_by(models.Report.created_at)
            .limit(limit)
        )
        return [Unacknowledged(row[0], row[1], row[2], row[3]) for row in rows]

    async def claim_resend(self, due: Unacknowledged, now: datetime) -> bool:
        """Take the next re-send of ``due`` (compare-and-set on when it was last sent).

        Returns:
            False when another process sent it, or someone acknowledged it, meanwhile.
        """
        last = models.Report.urgent_sent_at
        result = await self._session.execute(
            update(models.Report)
            .where(
                models.Report.id == due.report_id,
                models.Report.acknowledged_at.is_(None),
                last.is_(None) if due.sent_at is None else last == due.sent_at,
            )
            .values(urgent_sent_at=now)
        )
        return bool(getattr(result, "rowcount", 0))


def _crisis(row: models.CrisisArea) -> CrisisRecord:
    return CrisisRecord(
        row.id, row.area, row.reason, row.source, row.started_by, row.started_at, row.ended_at
    )
