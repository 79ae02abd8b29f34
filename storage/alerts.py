"""Alerts (modelled on CAP 1.2), who receives them, and how their broadcast stands.

``fan_out`` keeps the alert's rendered text once, on the alert, and writes one outbox row
per recipient (a reference to that text, see ``storage/alert_texts.py``) with a single
INSERT ... SELECT per language, in the caller's transaction: the alert and all its
deliveries commit together.
The unique (alert_id, user_id) key of the outbox means one message per person per alert,
however many rules name them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import JSON, ColumnElement, Table, and_, exists, func, insert, literal, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import alert_texts, models
from storage.delivery import CANCELLED, FAILED, NOT_SENDABLE, PENDING, WAITING

ACTIVE, CANCELLED_ALERT, REPLACED = "active", "cancelled", "replaced"
A, Box, U = models.Alert, models.Outbox, models.User
AT, OT = cast(Table, A.__table__), cast(Table, Box.__table__)


@dataclass(frozen=True, slots=True)
class AlertContent:
    """What an alert says and to whom: the fields of a CAP 1.2 message HueBot uses.

    ``translations`` maps a language to ``{"headline", "description", "instruction"}``
    in that language; the main fields are in ``language``.
    """

    identifier: str
    sender: str
    headline: str
    description: str
    severity: str
    category: str
    urgency: str
    certainty: str
    whole_city: bool
    wards: tuple[str, ...]
    sent_at: datetime
    expires_at: datetime | None
    instruction: str | None = None
    language: str = "vi"
    translations: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    area_desc: str | None = None
    link: str | None = None
    photo_sha256: str | None = None
    msg_type: str = "Alert"
    references_id: int | None = None
    source: str = "cli"
    created_by: int | None = None


CONTENT_FIELDS = tuple(f.name for f in fields(AlertContent))


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """A stored alert."""

    id: int
    status: str
    content: AlertContent
    created_at: datetime
    recipients: int
    cancelled_at: datetime | None = None
    progress_user_id: int | None = None
    progress_ref: str | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Audience:
    """Who an alert is for: subscribers and recent reporters of ``wards``, and everyone
    (but those who opted out) when ``everyone`` is set."""

    wards: tuple[str, ...]
    everyone: bool = False


class Alerts:
    """Creating, addressing, cancelling and following alerts."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, content: AlertContent, now: datetime) -> int:
        """Store an alert as active; returns its id."""
        values = {name: getattr(content, name) for name in CONTENT_FIELDS}
        values.update(wards=list(content.wards), translations=dict(content.translations))
        row = models.Alert(**values, status=ACTIVE, created_at=now, recipients=0)
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def get(self, alert_id: int) -> AlertRecord | None:
        """An alert by id."""
        row = await self._session.get(models.Alert, alert_id)
        return _record(row) if row else None

    async def by_identifier(self, identifier: str) -> AlertRecord | None:
        """An alert by its CAP identifier."""
        row = await self._session.scalar(select(A).where(A.identifier == identifier))
        return _record(row) if row else None

    async def count_audience(self, audience: Audience) -> int:
        """How many people ``fan_out`` would address now."""
        query = select(func.count()).select_from(U).where(_addressed(audience))
        return int(await self._session.scalar(query) or 0)

    async def fan_out(
        self,
        alert_id: int,
        audience: Audience,
        payloads: Mapping[str, dict[str, Any]],
        priority: int,
        now: datetime,
        expires_at: datetime | None,
    ) -> int:
        """Queue the alert for its audience, each in their language.

        Args:
            alert_id: The alert.
            audience: Who gets it.
            payloads: Outbox payload per language; ``"*"`` is for every other language.
            priority: Outbox priority (lower goes first).
            now: When it is queued.
            expires_at: After this the rows are never delivered.

        Returns:
            How many rows were queued (also kept as the alert's ``recipients``).
        """
        total = 0
        named = [language for language in payloads if language != "*"]
        for language in payloads:
            wanted = U.language.not_in(named) if language == "*" else U.language == language
            row = alert_texts.reference(language)
            total += await self._insert(alert_id, audience, row, priority, now, expires_at,
                                        wanted)  # fmt: skip
        await self._session.execute(
            sql_update(AT)
            .where(AT.c.id == alert_id)
            .values(recipients=total, payloads={k: dict(v) for k, v in payloads.items()})
        )
        return total

    async def _insert(
        self, alert_id: int, audience: Audience, payload: dict[str, Any], priority: int,
        now: datetime, expires_at: datetime | None, language: ColumnElement[bool],
    ) -> int:  # fmt: skip
        source = select(
            U.id, U.channel, literal("alert"), literal(priority), literal(payload, JSON),
            literal(PENDING), literal(0), literal(now, models.When), literal(now, models.When),
            literal(alert_id), literal(expires_at, models.When), literal(0),
        ).where(_addressed(audience), language)  # fmt: skip
        columns = [
            "user_id", "channel", "kind", "priority", "payload", "status", "attempts",
            "available_at", "created_at", "alert_id", "expires_at", "parts_done",
        ]  # fmt: skip
        result = await self._session.execute(insert(OT).from_select(columns, source))
        return int(getattr(result, "rowcount", 0) or 0)

    async def close(self, alert_id: int, now: datetime, status: str = CANCELLED_ALERT) -> int:
        """Cancel (or mark replaced) an alert; its undelivered rows are cancelled.

        Returns:
            How many deliveries were stopped.
        """
        await self._session.execute(
            sql_update(AT)
            .where(AT.c.id == alert_id, AT.c.status == ACTIVE)
            .values(status=status, cancelled_at=now)
        )
        result = await self._session.execute(
            sql_update(OT)
            .where(OT.c.alert_id == alert_id, OT.c.status.in_(WAITING))
            .values(status=CANCELLED, claimed_by=None, claimed_until=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def in_force(
        self, now: datetime, category: str | None = None, limit: int = 3
    ) -> list[AlertRecord]:
        """Active, unexpired alerts (of ``category``), newest first."""
        query = select(A).where(A.status == ACTIVE, A.sent_at <= now)
        query = query.where(or_(A.expires_at.is_(None), A.expires_at > now))
        if category is not None:
            query = query.where(A.category == category)
        query = query.order_by(A.sent_at.desc(), A.id.desc()).limit(limit)
        return [_record(row) for row in await self._session.scalars(query)]

    async def latest(self, limit: int = 20) -> list[AlertRecord]:
        """The newest alerts, whatever their state."""
        rows = await self._session.scalars(select(A).order_by(A.id.desc()).limit(limit))
        return [_record(row) for row in rows]

    async def counts(self, alert_id: int) -> dict[tuple[str, str], int]:
        """Deliveries of an alert by (channel, status)."""
        query = (
            select(Box.channel, Box.status, func.count())
            .where(Box.alert_id == alert_id)
            .group_by(Box.channel, Box.status)
        )
        rows = (await self._session.execute(query)).all()
        return {(channel, status): n for channel, status, n in rows}

    async def not_sendable(self, alert_id: int) -> dict[str, int]:
        """Deliveries the platform's policy forbade (failed, never retried), by channel."""
        query = (
            select(Box.channel, func.count())
            .where(Box.alert_id == alert_id, Box.status == FAILED,
                   Box.last_error.startswith(NOT_SENDABLE))
            .group_by(Box.channel)
        )  # fmt: skip
        return {channel: n for channel, n in (await self._session.execute(query)).all()}

    async def watch(self, alert_id: int, user_id: int) -> None:
        """Show ``user_id`` the alert's progress (the broadcaster who sent it)."""
        await self._session.execute(
            sql_update(AT).where(AT.c.id == alert_id)
            .values(progress_user_id=user_id)
        )  # fmt: skip

    async def take_progress_turn(self, now: datetime, every: timedelta) -> list[AlertRecord]:
        """Unfinished alerts whose progress is due; each is taken by one process only."""
        due = and_(
            A.finished_at.is_(None), or_(A.progress_at.is_(None), A.progress_at <= now - every)
        )
        ids = list(await self._session.scalars(select(A.id).where(due).limit(20)))
        taken: list[AlertRecord] = []
        for alert_id in ids:
            result = await self._session.execute(
                sql_update(AT).where(AT.c.id == alert_id, due)
                .values(progress_at=now)
            )  # fmt: skip
            record = await self.get(alert_id) if getattr(result, "rowcount", 0) else None
            if record is not None:
                taken.append(record)
        return taken

    async def save_progress(
        self, alert_id: int, ref: str | None, finished: datetime | None
    ) -> None:
        """Remember the progress message (to edit it) and whether the broadcast is over."""
        await self._session.execute(
            sql_update(AT).where(AT.c.id == alert_id)
            .values(progress_ref=ref, finished_at=finished)
        )  # fmt: skip


def _addressed(audience: Audience) -> ColumnElement[bool]:
    """Reachable users the audience names; subscribers even if they opted out of the rest."""
    wards = list(audience.wards)
    subscribed = exists().where(
        models.AlertSubscription.user_id == U.id, models.AlertSubscription.ward.in_(wards)
    )
    opted_out = exists().where(models.AlertOptOut.user_id == U.id)
    if audience.everyone:
        return and_(U.reachable.is_(True), or_(subscribed, ~opted_out))
    last_ward = (
        select(models.Report.ward)
        .where(models.Report.user_id == U.id)
        .order_by(models.Report.created_at.desc(), models.Report.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    reporter = and_(~opted_out, last_ward.in_(wards))
    return and_(U.reachable.is_(True), or_(subscribed, reporter))


def _record(row: models.Alert) -> AlertRecord:
    values = {name: getattr(row, name) for name in CONTENT_FIELDS}
    values.update(wards=tuple(row.wards or ()), translations=dict(row.translations or {}))
    return AlertRecord(
        id=row.id, status=row.status, content=AlertContent(**values), created_at=row.created_at,
        recipients=row.recipients, cancelled_at=row.cancelled_at,
        progress_user_id=row.progress_user_id, progress_ref=row.progress_ref,
        finished_at=row.finished_at,
    )  # fmt: skip


def waiting(counts: Mapping[tuple[str, str], int], channels: Sequence[str]) -> int:
    """Deliveries still to go on ``channels``."""
    return sum(n for (ch, status), n in counts.items() if ch in channels and status in WAITING)
