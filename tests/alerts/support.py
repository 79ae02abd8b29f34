"""Helpers for alert tests: citizens with subscriptions, reports and opt-outs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import City
from storage import alert_texts as stored_texts
from storage import models
from storage.db import Database
from storage.records import NewReport, UserRecord


async def subscribe(database: Database, user: UserRecord, *wards: str, now: datetime) -> None:
    """The user subscribed to ``wards``."""
    async with database.unit_of_work() as store:
        await store.subscriptions.add(user.id, list(wards), now)


async def opt_out(database: Database, user: UserRecord, now: datetime) -> None:
    """The user asked for no alerts beyond their subscriptions."""
    async with database.unit_of_work() as store:
        await store.subscriptions.opt_out(user.id, now)


async def report_in(
    database: Database, city: City, user: UserRecord, ward: str, when: datetime
) -> None:
    """The user filed a report in ``ward`` at ``when``."""
    unit = city.route("road", ward)
    new = NewReport(
        user_id=user.id, channel=user.channel, text="Ổ gà lớn giữa đường", category="road",
        unit_code=unit.code, created_at=when, deadline_at=when + timedelta(days=5), ward=ward,
    )  # fmt: skip
    async with database.unit_of_work() as store:
        await store.reports.create(new)


async def alert_rows(database: Database, alert_id: int) -> dict[str, str]:
    """user key -> status of each delivery of an alert."""
    query = (
        select(models.User.external_id, models.Outbox.status)
        .join(models.User, models.User.id == models.Outbox.user_id)
        .where(models.Outbox.alert_id == alert_id)
    )
    async with AsyncSession(database.engine) as session:
        return {key: status for key, status in (await session.execute(query)).all()}


async def alert_texts(database: Database, alert_id: int) -> dict[str, str]:
    """user key -> the text queued for them."""
    query = (
        select(models.User.external_id, models.Outbox.alert_id, models.Outbox.payload)
        .join(models.User, models.User.id == models.Outbox.user_id)
        .where(models.Outbox.alert_id == alert_id)
    )
    async with AsyncSession(database.engine) as session:
        rows = (await session.execute(query)).all()
        payloads = await stored_texts.resolve(session, ((r[1], r[2]) for r in rows))
    return {row[0]: p["replies"][0]["text"] for row, p in zip(rows, payloads, strict=True)}
