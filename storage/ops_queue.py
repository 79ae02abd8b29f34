"""What the operations dashboard and Open311 read: filtered report lists, map points,
the latest event of reports, and the service's own vital signs (outbox, last contact).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.intake import Intake
from storage.records import OPEN_STATUSES, ReportRecord
from storage.reports import _report

R = models.Report
SORTS: dict[str, Any] = {
    "created": R.created_at,
    "deadline": R.deadline_at,
    "status": R.status,
    "category": R.category,
    "unit": R.unit_code,
    "ward": R.ward,
    "code": R.id,
}
MAX_ROWS = 5000


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which reports to list, in which order, which page.

    ``sort`` is a key of ``SORTS``, with a leading ``-`` for descending order.
    ``units`` limits the reports to those units (an official's own); empty means all.
    """

    statuses: tuple[str, ...] = ()
    category: str | None = None
    categories: tuple[str, ...] = ()
    unit_code: str | None = None
    ward: str | None = None
    overdue: bool = False
    created_from: datetime | None = None
    created_to: datetime | None = None
    text: str | None = None
    codes: tuple[str, ...] = ()
    public_ids: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    sort: str = "-created"
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True, slots=True)
class LastEvent:
    """A report's most recent audit line."""

    at: datetime
    note: str | None


class OpsQueue:
    """Read-only queries for the dashboard, Open311, /healthz and /metrics."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def search(self, wanted: QueueFilter, now: datetime) -> tuple[list[ReportRecord], int]:
        """One page of the reports ``wanted`` selects, and how many there are in all."""
        where = _conditions(wanted, now)
        total = await self._session.scalar(select(func.count(R.id)).where(*where))
        query = _ordered(select(R).where(*where), wanted.sort)
        query = query.offset(max(wanted.offset, 0)).limit(min(max(wanted.limit, 1), MAX_ROWS))
        rows = await self._session.scalars(query)
        return [_report(row) for row in rows], int(total or 0)

    async def last_events(self, report_ids: Sequence[int]) -> dict[int, LastEvent]:
        """The newest audit line of each report (for 'updated' times and status notes)."""
        if not report_ids:
            return {}
        event = models.ReportEvent
        newest = (
            select(func.max(event.id))
            .where(event.report_id.in_(report_ids))
            .group_by(event.report_id)
            .scalar_subquery()
        )
        rows = await self._session.execute(
            select(event.report_id, event.at, event.note).where(event.id.in_(newest))
        )
        return {int(r.report_id): LastEvent(r.at, r.note) for r in rows}

    async def notes_by(
        self, report_ids: Sequence[int], actors: Sequence[str]
    ) -> dict[int, LastEvent]:
        """The newest audit line with a note written by one of ``actors``, per report."""
        if not report_ids:
            return {}
        event = models.ReportEvent
        newest = (
            select(func.max(event.id))
            .where(event.report_id.in_(report_ids), event.actor.in_(actors))
            .where(event.note.is_not(None))
            .group_by(event.report_id)
            .scalar_subquery()
        )
        rows = await self._session.execute(
            select(event.report_id, event.at, event.note).where(event.id.in_(newest))
        )
        return {int(r.report_id): LastEvent(r.at, r.note) for r in rows}

    async def status_counts(self) -> dict[str, int]:
        """How many reports stand in each status."""
        rows = await self._session.execute(select(R.status, func.count()).group_by(R.status))
        return {str(status): int(n) for status, n in rows}

    async def outbox_counts(self) -> dict[tuple[str, str], int]:
        """Outbox rows by (channel, status): deliveries per result, and what waits."""
        box = models.Outbox
        rows = await self._session.execute(
            select(box.channel, box.status, func.count()).group_by(box.channel, box.status)
        )
        return {(str(ch), str(status)): int(n) for ch, status, n in rows}

    async def oldest_waiting(self, now: datetime) -> dict[str, datetime]:
        """Per channel, when the oldest row that is due and not yet sent was queued."""
        box = models.Outbox
        rows = await self._session.execute(
            select(box.channel, func.min(box.created_at))
            .where(box.status.in_(("pending", "sending")), box.available_at <= now)
            .group_by(box.channel)
        )
        return {str(ch): _aware(at) for ch, at in rows if at is not None}

    async def last_contact(self) -> dict[str, datetime]:
        """Per channel, when an update from a user was last processed."""
        seen = models.ProcessedUpdate
        rows = await self._session.execute(
            select(seen.channel, func.max(seen.processed_at)).group_by(seen.channel)
        )
        found = {str(ch): _aware(at) for ch, at in rows if at is not None}
        received = await Intake(self._session).last_received("telegram")
        if received is not None:
            at = _aware(received)
            found["telegram"] = max(at, found.get("telegram", at))
        return found


def _aware(value: Any) -> datetime:
    """Aggregates bypass the column type on SQLite: read the text back as aware UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return models.When.process_result_value(value, None)  # type: ignore[arg-type, return-value]


def _conditions(wanted: QueueFilter, now: datetime) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if wanted.statuses:
        where.append(R.status.in_(wanted.statuses))
    for column, value in (
        (R.category, wanted.category),
        (R.unit_code, wanted.unit_code),
        (R.ward, wanted.ward),
    ):
        if value:
            where.append(column == value)
    if wanted.overdue:
        where += [R.status.in_(sorted(OPEN_STATUSES)), R.deadline_at < now]
    if wanted.created_from is not None:
        where.append(R.created_at >= wanted.created_from)
    if wanted.created_to is not None:
        where.append(R.created_at < wanted.created_to)
    return where + _lists(wanted)


def _lists(wanted: QueueFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if wanted.codes or wanted.public_ids:
        where.append(or_(R.code.in_(wanted.codes), R.public_id.in_(wanted.public_ids)))
    if wanted.text:
        where.append(_matches(wanted.text))
    if wanted.units:
        where.append(R.unit_code.in_(wanted.units))
    if wanted.categories:
        where.append(R.category.in_(wanted.categories))
    return where


def _matches(text: str) -> ColumnElement[bool]:
    needle = text.strip().lower()
    return or_(
        func.lower(R.text).contains(needle, autoescape=True),
        func.lower(func.coalesce(R.address, "")).contains(needle, autoescape=True),
        func.lower(R.code) == needle,
    )


def _ordered(query: Select[Any], sort: str) -> Select[Any]:
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"), R.created_at)
    first = column.desc() if descending else column.asc()
    # Open urgent reports (an SOS) stay on top whatever the sort.
    pinned = case((R.urgent.is_(True) & R.status.in_(sorted(OPEN_STATUSES)), 0), else_=1)
    return query.order_by(pinned, first, R.id.desc() if descending else R.id.asc())
