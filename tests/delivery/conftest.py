"""Delivery fixtures: the fake Bot API on 127.0.0.1 and workers that talk to it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.delivery.settings import DeliveryConfig
from bot.delivery.worker import DeliveryWorker
from storage.db import Database
from tests.delivery.support import build_worker
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram

StartWorker = Callable[..., Awaitable[DeliveryWorker]]


@pytest.fixture
async def fake_telegram(aiohttp_server: Any) -> FakeTelegram:
    """The fake Bot API, listening on 127.0.0.1 on a free port."""
    fake = FakeTelegram()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def start_worker(
    database: Database, fake_telegram: FakeTelegram, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[StartWorker]:
    """Start delivery workers (stopped at the end of the test)."""
    started: list[DeliveryWorker] = []

    async def start(
        config: DeliveryConfig | None = None, db: Database | None = None, name: str | None = None
    ) -> DeliveryWorker:
        worker = build_worker(db or database, fake_telegram, clock, tmp_path / "media", config,
                              name)  # fmt: skip
        await worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        await worker.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def process_store_kind(request: pytest.FixtureRequest) -> str:
    """The store shared by HueBot processes the test starts."""
    if request.param == "postgresql" and not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI sets it)")
    return str(request.param)
