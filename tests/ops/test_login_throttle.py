"""Guessing sign-in codes is throttled and locked; a refused action stores no upload."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.app import Services, build_app
from tests.ops.conftest import with_ops
from tests.ops.support import file_report, form_value, grant, login_secrets, sign_in
from tests.support.clock import FakeClock
from tests.support.images import jpeg

LIMITS = {"login_failures_per_ip": 5, "login_failures_per_code": 3,
          "login_failures_per_user": 1000, "login_lock_minutes": 10}  # fmt: skip


async def client_with(aiohttp_client: Any, services: Services, **limits: Any) -> TestClient:
    return await aiohttp_client(build_app(with_ops(services, **(LIMITS | limits))))


async def try_code(client: TestClient, code: str) -> Any:
    value = await form_value(client)
    return await client.post("/ops/login", data={"code": code, "form": value},
                             allow_redirects=False)  # fmt: skip


def guesses(n: int) -> list[str]:
    return [f"ZZZZ-{i:04d}".replace("0", "A").replace("1", "B") for i in range(n)]


async def test_guessing_from_one_address_is_locked_with_retry_after(
    aiohttp_client: Any, services: Services, clock: FakeClock, caplog: pytest.LogCaptureFixture
):
    client = await client_with(aiohttp_client, services)
    admin = await grant(services.database, "telegram", "1", "admin", None, clock())
    login = await login_secrets(services.database, admin, clock())
    caplog.set_level(logging.INFO)
    answers = [(await try_code(client, guess)).status for guess in guesses(5)]
    assert answers == [401] * 5
    locked = await try_code(client, login.code)  # even the right code waits
    assert locked.status == 429 and int(locked.headers["Retry-After"]) == 600
    assert "Có quá nhiều lần đăng nhập sai" in await locked.text()
    lines = [r.getMessage() for r in caplog.records if "locked" in r.getMessage()]
    assert lines and all("127.0.0.1" not in line and "ZZZZ" not in line for line in lines)
    clock.advance(minutes=10, seconds=1)
    assert (await try_code(client, login.code)).status == 303


async def test_one_code_tried_again_and_again_is_locked(
    aiohttp_client: Any, services: Services, clock: FakeClock
):
    client = await client_with(aiohttp_client, services, login_failures_per_ip=100)
    answers = [(await try_code(client, "ABCD-EFGH")).status for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    assert (await try_code(client, "ABCD-EFGJ")).status == 401  # another code is not locked


async def test_a_users_live_code_is_voided_after_too_many_failures(
    aiohttp_client: Any, services: Services, clock: FakeClock, caplog: pytest.LogCaptureFixture
):
    client = await client_with(aiohttp_client, services, login_failures_per_ip=100,
                               login_failures_per_user=4)  # fmt: skip
    admin = await grant(services.database, "telegram", "1", "admin", None, clock())
    login = await login_secrets(services.database, admin, clock())
    caplog.set_level(logging.INFO)
    for guess in guesses(4):
        assert (await try_code(client, guess)).status == 401
    assert (await try_code(client, login.code)).status == 401  # voided: ask for a new one
    assert any(f"users [{admin.id}] voided" in r.getMessage() for r in caplog.records)
    fresh = await login_secrets(services.database, admin, clock())
    assert (await try_code(client, fresh.code)).status == 303


def stored_files(media_dir: Path) -> list[Path]:
    return [p for p in media_dir.rglob("*") if p.is_file()] if media_dir.exists() else []


async def test_a_refused_action_does_not_store_its_photo(
    aiohttp_client: Any, services: Services, clock: FakeClock
):
    database, city = services.database, services.runtime.settings.city
    flooding = await file_report(database, city, clock())
    water = await file_report(database, city, clock(), category="water_supply", text="Mất nước")
    official = await grant(database, "telegram", "88", "official", water.unit_code, clock())
    client = await client_with(aiohttp_client, services)
    token = await sign_in(client, database, official, clock())

    async def resolve(code: str) -> int:
        form = FormData()
        form.add_field("csrf", token)
        form.add_field("note", "Đã xử lý xong")
        form.add_field("photo", jpeg(), filename="done.jpg", content_type="image/jpeg")
        response = await client.post(f"/ops/reports/{code}/resolve", data=form,
                                     allow_redirects=False)  # fmt: skip
        return response.status

    assert await resolve(flooding.code) == 403
    assert stored_files(services.runtime.media_dir) == []
    assert await resolve(water.code) == 303  # the same upload, allowed, is kept
    assert stored_files(services.runtime.media_dir) != []
