"""Helpers for the several-process tests: fresh PostgreSQL databases, due reports, Redis.

Every database made here has a name of its own and is dropped afterwards; a test
skips with the reason when PostgreSQL (or Redis) is not reachable.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from storage import models
from storage.db import Database
from storage.records import NewReport

REDIS = ("127.0.0.1", 6379)


def postgres_url() -> str:
    """TEST_DATABASE_URL, or skip the test saying why."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("several-process tests need PostgreSQL: set TEST_DATABASE_URL (CI sets it)")
    parsed = make_url(url)
    if not reachable(parsed.host or "127.0.0.1", parsed.port or 5432):
        pytest.skip(f"PostgreSQL at {parsed.host}:{parsed.port} is not reachable")
    return url


def require_redis() -> str:
    """The Redis URL, or skip the test saying why."""
    if not reachable(*REDIS):
        pytest.skip(f"Redis at {REDIS[0]}:{REDIS[1]} is not reachable")
    return f"redis://{REDIS[0]}:{REDIS[1]}/0"


def reachable(host: str, port: int) -> bool:
    """Whether something listens at ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


@asynccontextmanager
async def fresh_database(base_url: str) -> AsyncIterator[str]:
    """An empty PostgreSQL database (not migrated) of its own, dropped at the end."""
    name = f"huebot_scale_{uuid.uuid4().hex[:10]}"
    await admin(base_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def admin(url: str, sql: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
    database = Database(url)
    async with database.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql(sql)
    await database.dispose()


async def official(database: Database, unit: str, chat_id: int, now: datetime) -> int:
    """A Telegram chat made an official of ``unit``; its user id."""
    async with database.unit_of_work() as store:
        user = await store.staff.grant("telegram", str(chat_id), "official", unit, now)
    return user.id


async def due_reports(
    database: Database, count: int, unit: str, author: int, now: datetime
) -> list[str]:
    """``count`` open reports past 75 % of their time (a reminder is due), their codes."""
    codes = []
    async with database.unit_of_work() as store:
        for _ in range(count):
            new = NewReport(
                user_id=author, channel="telegram", text="ngập", category="flooding",
                unit_code=unit, created_at=now - timedelta(hours=20),
                deadline_at=now + timedelta(hours=4),
            )  # fmt: skip
            codes.append((await store.reports.create(new)).code)
    return codes


async def outbox_kinds(database: Database) -> dict[str, int]:
    """How many outbox rows of each kind there are."""
    query = select(models.Outbox.kind, func.count()).group_by(models.Outbox.kind)
    async with database.engine.connect() as conn:
        return {str(kind): int(n) for kind, n in (await conn.execute(query)).all()}
