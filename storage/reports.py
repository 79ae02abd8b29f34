"""Reports, their photos and their audit trail."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.records import (
    EventRecord,
    NewReport,
    PhotoRecord,
    ReportFilter,
    ReportRecord,
    Status,
)

TICKET_PREFIX = "PA-"
TICKET_OFFSET = 10000


def ticket_code(report_id: int) -> str:
    """The citizen-facing code of a report: PA- and a number."""
    return f"{TICKET_PREFIX}{TICKET_OFFSET + report_id}"


def new_public_id() -> str:
    """The opaque id public reads know a report by (64 random bits, not enumerable)."""
    return secrets.token_hex(8)


class Reports:
    """Filing and reading reports."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_photo(
        self,
        user_id: int,
        sha256: str,
        content_type: str,
        size: int,
        dims: tuple[int, int],
        now: datetime,
    ) -> int:
        """Keep a photo the user sent before the report exists; return its id."""
        row = models.ReportPhoto(
            user_id=user_id,
            sha256=sha256,
            content_type=content_type,
            size=size,
            width=dims[0],
            height=dims[1],
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def create(self, new: NewReport, actor: str = "citizen") -> ReportRecord:
        """File a report: the row, its code, its photos and its first audit event."""
        row = models.Report(
            user_id=new.user_id,
            channel=new.channel,
            text=new.text,
            category=new.category,
            unit_code=new.unit_code,
            ward=new.ward,
            latitude=new.latitude,
            longitude=new.longitude,
            address=new.address,
            place=new.place,
            street=new.street,
            status=Status.RECEIVED,
            created_at=new.created_at,
            deadline_at=new.deadline_at,
            public_id=new_public_id(),
            urgent=new.urgent,
            confidential=new.confidential,
            people=new.people,
            needs=",".join(new.needs) or None,
        )
        self._session.add(row)
        await self._session.flush()
        row.code = ticket_code(row.id)
        await self._attach_photos(row.id, new.user_id, new.photo_ids)
        self._session.add(
            models.ReportEvent(
                report_id=row.id,
                actor_user_id=new.user_id,
                actor=actor,
                at=new.created_at,
                old_status=None,
                new_status=Status.RECEIVED,
                note=None,
            )
        )
        await self._session.flush()
        found = await self.by_code(row.code)
        assert found is not None
        return found

    async def _attach_photos(
        self, report_id: int, user_id: int, photo_ids: tuple[int, ...]
    ) -> None:
        if not photo_ids:
            return
        await self._session.execute(
            update(models.ReportPhoto)
            .where(models.ReportPhoto.id.in_(photo_ids))
            .where(models.ReportPhoto.user_id == user_id)
            .where(models.ReportPhoto.report_id.is_(None))
            .values(report_id=report_id)
        )

    async def by_code(self, code: str) -> ReportRecord | None:
        """A report with its photos and history, by ticket code."""
        row = await self._session.scalar(select(models.Report).where(models.Report.code == code))
        if row is None:
            return None
        return _report(row, await self._photos(row.id), await self._events(row.id))

    async def by_public_id(self, public_id: str) -> ReportRecord | None:
        """A report with its photos and history, by its opaque public id."""
        code = await self._session.scalar(
            select(models.Report.code).where(models.Report.public_id == public_id.lower())
        )
        return await self.by_code(code) if code is not None else None

    async def approve(self, code: str, now: datetime) -> bool:
        """An operator approves a report's text and photos for public display."""
        result = await self._session.execute(
            update(models.Report).where(models.Report.code == code).values(approved_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def of_user(
        self, user_id: int, limit: int = 10, following: bool = False
    ) -> Sequence[ReportRecord]:
        """A user's latest reports, newest first (without photos and history).

        Args:
            user_id: Whose reports.
            limit: How many at most.
            following: Also the reports the user follows.
        """
        mine = models.Report.user_id == user_id
        followed = models.Report.id.in_(
            select(models.ReportFollower.report_id).where(
                models.ReportFollower.user_id == user_id
            )
        )
        rows = await self._session.scalars(
            select(models.Report)
            .where(or_(mine, followed) if following else mine)
            .order_by(models.Report.created_at.desc(), models.Report.id.desc())
            .limit(limit)
        )
        return [_report(row) for row in rows]

    async def search(self, wanted: ReportFilter) -> Sequence[ReportRecord]:
        """Reports for operators, newest first."""
        query = select(models.Report).order_by(models.Report.id.desc()).limit(wanted.limit)
        for column, value in (
            (models.Report.status, wanted.status),
            (models.Report.category, wanted.category),
            (models.Report.unit_code, wanted.unit_code),
            (models.Report.ward, wanted.ward),
        ):
            if value is not None:
                query = query.where(column == value)
        return [_report(row) for row in await self._session.scalars(query)]

    async def count(self) -> int:
        """How many reports there are."""
        return int(await self._session.scalar(select(func.count(models.Report.id))) or 0)

    async def photos_by_id(self, photo_ids: Sequence[int]) -> Sequence[PhotoRecord]:
        """Photos by id, in the order given."""
        rows = await self._session.scalars(
            select(models.ReportPhoto).where(models.ReportPhoto.id.in_(photo_ids))
        )
        found = {row.id: _photo(row) for row in rows}
        return [found[i] for i in photo_ids if i in found]

    async def _photos(self, report_id: int) -> tuple[PhotoRecord, ...]:
        rows = await self._session.scalars(
            select(models.ReportPhoto)
            .where(models.ReportPhoto.report_id == report_id)
            .order_by(models.ReportPhoto.id)
        )
        return tuple(_photo(row) for row in rows)

    async def _events(self, report_id: int) -> tuple[EventRecord, ...]:
        event = models.ReportEvent
        rows = await self._session.execute(
            select(event, models.User.name)
            .outerjoin(models.User, models.User.id == event.actor_user_id)
            .where(event.report_id == report_id)
            .order_by(event.at, event.id)
        )
        return tuple(
            EventRecord(row.at, row.actor, row.old_status, row.new_status, row.note, name)
            for row, name in rows
        )


def _photo(row: models.ReportPhoto) -> PhotoRecord:
    return PhotoRecord(row.id, row.sha256, row.content_type, row.size, row.width, row.height)


def _report(
    row: models.Report,
    photos: tuple[PhotoRecord, ...] = (),
    events: tuple[EventRecord, ...] = (),
) -> ReportRecord:
    assert row.code is not None
    return ReportRecord(
        id=row.id,
        code=row.code,
        user_id=row.user_id,
        channel=row.channel,
        text=row.text,
        category=row.category,
        unit_code=row.unit_code,
        status=row.status,
        created_at=row.created_at,
        deadline_at=row.deadline_at,
        ward=row.ward,
        latitude=row.latitude,
        longitude=row.longitude,
        address=row.address,
        place=row.place,
        street=row.street,
        resolved_at=row.resolved_at,
        rating=row.rating,
        rating_comment=row.rating_comment,
        satisfied=row.satisfied,
        reopen_count=row.reopen_count or 0,
        priority=row.priority or 0,
        disputed=bool(row.disputed),
        public_id=row.public_id,
        approved_at=row.approved_at,
        urgent=bool(row.urgent),
        confidential=bool(row.confidential),
        people=row.people,
        needs=tuple(row.needs.split(",")) if row.needs else (),
        acknowledged_at=row.acknowledged_at,
        photos=photos,
        events=events,
    )
