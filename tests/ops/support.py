"""Helpers for the dashboard's tests: staff, reports filed as the chat files them, sign-in."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient

from handlers import City, Context
from handlers.handling.assignment import assign
from storage.db import Database
from storage.records import NewReport, ReportRecord, UserRecord


class NoNlu:
    """Handlers need a parser; nothing in these steps parses text."""

    async def parse(self, text: str) -> dict[str, Any]:
        return {"intent": None, "entities": [], "intent_ranking": []}


async def grant(
    database: Database, channel: str, key: str, role: str, unit: str | None, now: datetime
) -> UserRecord:
    """Give a chat a role, as ``huebot users grant`` does."""
    async with database.unit_of_work() as store:
        return await store.staff.grant(channel, key, role, unit, now)


async def file_report(
    database: Database,
    city: City,
    now: datetime,
    *,
    citizen: tuple[str, str] = ("telegram", "4242001"),
    category: str = "flooding",
    ward: str | None = None,
    place: tuple[float, float] | None = (16.4637, 107.5909),
    text: str = "Cống thoát nước trước chợ bị tắc, nước ngập cả đoạn đường",
) -> ReportRecord:
    """File a report and assign it, exactly as the chat's report dialog does."""
    async with database.unit_of_work() as store:
        user = await store.users.get_or_create(citizen[0], citizen[1], now)
        unit = city.route(category, ward)
        report = await store.reports.create(
            NewReport(
                user_id=user.id, channel=citizen[0], text=text, category=category,
                unit_code=unit.code, created_at=now,
                deadline_at=now + city.category(category).deadline, ward=ward,
                latitude=place[0] if place else None, longitude=place[1] if place else None,
            )
        )  # fmt: skip
        await assign(Context(store=store, city=city, nlu=NoNlu(), now=now), report, user.id)
    return report


async def login_secrets(database: Database, user: UserRecord, now: datetime) -> Any:
    """A fresh one-time sign-in for ``user`` (what /ops sends)."""
    from datetime import timedelta

    async with database.unit_of_work() as store:
        return await store.ops.create_login(user.id, now, timedelta(minutes=15))


async def form_value(client: TestClient, path: str = "/ops/login") -> str:
    """Open the sign-in page (which sets the form cookie) and read the form's value."""
    page = await (await client.get(path)).text()
    found = re.search(r'name="form" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


async def sign_in(client: TestClient, database: Database, user: UserRecord, now: datetime) -> str:
    """Sign ``client`` in as ``user`` by link; returns the CSRF token of the session."""
    login = await login_secrets(database, user, now)
    value = await form_value(client, f"/ops/login/{login.token}")
    response = await client.post(
        "/ops/login", data={"token": login.token, "form": value}, allow_redirects=False
    )
    assert response.status == 303, await response.text()
    return await csrf(client)


async def csrf(client: TestClient) -> str:
    """The CSRF token the dashboard's forms carry."""
    page = await (await client.get("/ops/queue")).text()
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)
