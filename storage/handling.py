"""How units handle reports: status changes with their audit trail, queues, followers.

Every status change is a compare-and-set on the current status, so two presses of
the same button (or two officials at once) cannot both apply.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.crisis import acknowledges
from storage.records import OPEN_STATUSES, ReportRecord
from storage.reports import _report
from storage.repositories import _insert_for

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True, slots=True)
class Change:
    """One status change: who, from what, to what, why, and other fields to set."""

    actor: str
    old_status: str
    new_status: str
    at: datetime
    actor_user_id: int | None = None
    note: str | None = None
    values: tuple[tuple[str, Any], ...] = ()


class Handling:
    """Status changes, unit queues, deadlines and followers."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def change(self, report_id: int, change: Change) -> bool:
        """Apply ``change`` if the report is still in ``change.old_status``.

        Returns:
            False when the report has moved on (nothing is written).
        """
        result = await self._session.execute(
            update(models.Report)
            .where(models.Report.id == report_id, models.Report.status == change.old_status)
            .values(status=change.new_status, **dict(change.values))
        )
        if not getattr(result, "rowcount", 0):
            return False
        await self.note(report_id, change)
        return True

    async def note(self, report_id: int, change: Change) -> None:
        """Add a line to the audit trail (also for refused actions, with no new status)."""
        await self._session.execute(
            insert(models.ReportEvent).values(
                report_id=report_id,
                actor_user_id=change.actor_user_id,
                actor=change.actor,
                at=change.at,
                old_status=change.old_status,
                new_status=change.new_status or None,
                note=change.note,
            )
        )
        if acknowledges(change.actor, change.actor_user_id, change.new_status):
            await self._session.execute(
                update(models.Report)
                .where(models.Report.id == report_id, models.Report.acknowledged_at.is_(None))
                .values(acknowledged_at=change.at)
            )

    async def attach_photo(self, report_id: int, photo_id: int) -> None:
        """Attach an already stored photo (a result photo, an answer's photo)."""
        await self._session.execute(
            update(models.ReportPhoto)
            .where(models.ReportPhoto.id == photo_id, models.ReportPhoto.report_id.is_(None))
            .values(report_id=report_id)
        )

    async def unit_queue(self, unit_code: str, offset: int, limit: int) -> Sequence[ReportRecord]:
        """A unit's open reports: urgent ones first, then the oldest deadline first."""
        return await self._reports(
            models.Report.unit_code == unit_code,
            models.Report.status.in_(OPEN_STATUSES),
            order=(models.Report.urgent.desc(), models.Report.deadline_at, models.Report.id),
            offset=offset,
            limit=limit,
        )

    async def overdue(self, now: datetime, limit: int = 100) -> Sequence[ReportRecord]:
        """Open reports past their deadline: urgent ones first, then the most overdue."""
        return await self._reports(
            models.Report.status.in_(OPEN_STATUSES),
            models.Report.deadline_at < now,
            order=(models.Report.urgent.desc(), models.Report.deadline_at, models.Report.id),
            limit=limit,
        )

    async def due_reminders(self, now: datetime) -> Sequence[ReportRecord]:
        """Open reports at 75 % of their time, not reminded yet."""
        rows = await self._reports(
            models.Report.status.in_(OPEN_STATUSES),
            models.Report.reminded_at.is_(None),
            models.Report.deadline_at > now,
            order=(models.Report.deadline_at, models.Report.id),
            limit=1000,
        )
        return [r for r in rows if now >= r.created_at + (r.deadline_at - r.created_at) * 0.75]

    async def due_escalations(self, now: datetime) -> Sequence[ReportRecord]:
        """Open reports past their deadline and not escalated yet."""
        return await self._reports(
            models.Report.status.in_(OPEN_STATUSES),
            models.Report.deadline_at <= now,
            models.Report.escalated_at.is_(None),
            order=(models.Report.deadline_at, models.Report.id),
            limit=1000,
        )

    async def unrated_since(self, before: datetime) -> Sequence[ReportRecord]:
        """Resolved reports whose rating question has gone unanswered since ``before``."""
        return await self._reports(
            models.Report.status == "resolved",
            models.Report.rating_asked_at < before,
            order=(models.Report.id,),
            limit=1000,
        )

    async def mark(self, report_id: int, **values: Any) -> None:
        """Set bookkeeping columns (reminded_at, escalated_at, rating_asked_at…)."""
        await self._session.execute(
            update(models.Report).where(models.Report.id == report_id).values(**values)
        )

    async def claim(self, report_id: int, column: str, now: datetime) -> bool:
        """Set the bookkeeping column ``column`` (reminded_at, escalated_at) if still empty.

        A compare-and-set: of several processes that found the same report due, the
        first one's update wins and the others (waiting for its commit on PostgreSQL,
        queued behind ``BEGIN IMMEDIATE`` on SQLite) update nothing and get False.
        """
        target = getattr(models.Report, column)
        result = await self._session.execute(
            update(models.Report)
            .where(models.Report.id == report_id, target.is_(None))
            .values({column: now})
        )
        return bool(getattr(result, "rowcount", 0))

    async def claim_mark(self, key: str, now: datetime) -> bool:
        """Claim a once-only job; False when it ran already or another process holds it.

        An idempotent insert: of two processes claiming at once, the second waits for the
        first's transaction and then gets False (the first's rollback frees the key).
        """
        insert = _insert_for(self._session)(models.SchedulerMark).values(key=key, done_at=now)
        result = await self._session.execute(insert.on_conflict_do_nothing())
        return bool(getattr(result, "rowcount", 0))

    async def follow(self, report_id: int, user_id: int, now: datetime) -> bool:
        """Add a follower (+1 priority); False when they already follow it."""
        if await self.is_follower(report_id, user_id):
            return False
        self._session.add(
            models.ReportFollower(report_id=report_id, user_id=user_id, created_at=now)
        )
        await self.mark(report_id, priority=models.Report.priority + 1)
        await self._session.flush()
        return True

    async def is_follower(self, report_id: int, user_id: int) -> bool:
        """Whether ``user_id`` follows the report."""
        row = await self._session.get(models.ReportFollower, (report_id, user_id))
        return row is not None

    async def followers(self, report_id: int) -> Sequence[int]:
        """Ids of the users following a report."""
        rows = await self._session.scalars(
            select(models.ReportFollower.user_id).where(
                models.ReportFollower.report_id == report_id
            )
        )
        return list(rows)

    async def nearby_open(
        self, category: str, latitude: float, longitude: float, since: datetime, radius_m: float
    ) -> Sequence[ReportRecord]:
        """Open reports of a category within ``radius_m`` metres, newest first."""
        dlat = math.degrees(radius_m / EARTH_RADIUS_M)
        dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
        rows = await self._reports(
            models.Report.category == category,
            models.Report.status.in_(OPEN_STATUSES),
            models.Report.created_at >= since,
            models.Report.latitude.between(latitude - dlat, latitude + dlat),
            models.Report.longitude.between(longitude - dlon, longitude + dlon),
            order=(models.Report.created_at.desc(),),
            limit=20,
        )
        return [r for r in rows if distance_m(r, latitude, longitude) <= radius_m]

    async def same_place_open(
        self, category: str, ward: str, street: str, since: datetime
    ) -> Sequence[ReportRecord]:
        """Open reports of a category in the same ward on the street (its name or address)."""
        return await self._reports(
            models.Report.category == category,
            models.Report.status.in_(OPEN_STATUSES),
            models.Report.created_at >= since,
            models.Report.ward == ward,
            or_(
                models.Report.street == street,
                func.lower(models.Report.address).contains(street.lower()),
            ),
            order=(models.Report.created_at.desc(),),
            limit=20,
        )

    async def by_id(self, report_id: int) -> ReportRecord | None:
        """A report (without photos and history)."""
        row = await self._session.get(models.Report, report_id)
        return _report(row) if row else None

    async def _reports(
        self, *where: Any, order: tuple[Any, ...], limit: int, offset: int = 0
    ) -> Sequence[ReportRecord]:
        query = select(models.Report).where(*where).order_by(*order).offset(offset).limit(limit)
        return [_report(row) for row in await self._session.scalars(query)]


def distance_m(report: ReportRecord, latitude: float, longitude: float) -> float:
    """Great-circle distance from a report to a point, in metres (inf without a location)."""
    if report.latitude is None or report.longitude is None:
        return math.inf
    phi1, phi2 = math.radians(report.latitude), math.radians(latitude)
    dphi = phi2 - phi1
    dlmb = math.radians(longitude - report.longitude)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


WEEK = timedelta(days=7)
