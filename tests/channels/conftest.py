"""The Telegram channel under test: real PTB, pointed at a fake Bot API server on 127.0.0.1.

``telegram`` starts HueBot's Telegram channel by polling or by webhook (the test's
``mode``), configured through config.yml's ``channels.telegram`` settings exactly as
in production, only with ``api_base_url`` and ``api_file_url`` on the fake server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, build_app
from bot.channels.telegram import telegram_settings
from bot.channels.telegram.channel import SECRET_HEADER, WEBHOOK_PATH, TelegramChannel
from bot.config import TelegramConfig
from storage.db import Database
from tests.channels.citizen import Citizen
from tests.support.clock import FakeClock
from tests.support.fake_telegram import TOKEN, FakeTelegram, eventually

SECRET = "test-webhook-secret-0123456789"
WEBHOOK_URL = "https://huebot.example/telegram/webhook"


class Sleeps:
    """Stands in for asyncio.sleep: records each wait and waits only a moment."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0.01)


@dataclasses.dataclass
class Telegram:
    """A running channel, the fake server behind it, and how updates reach HueBot."""

    fake: FakeTelegram
    channel: TelegramChannel
    services: Services
    clock: FakeClock
    sleeps: Sleeps
    client: TestClient | None = None

    @property
    def mode(self) -> str:
        return "webhook" if self.client is not None else "polling"

    async def deliver(self, *updates: dict[str, Any]) -> list[int]:
        """Hand updates to HueBot as Telegram would; returns the webhook's statuses."""
        if self.client is None:
            self.fake.push(*updates)
            newest = max(update["update_id"] for update in updates)
            await eventually(lambda: self.fake.offset > newest)  # stored, then confirmed
            return [200] * len(updates)
        return [await self.post(update, SECRET) for update in updates]

    async def post(self, update: Any, secret: str | None) -> int:
        """POST to the webhook route with the given secret header (None: no header)."""
        assert self.client is not None
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        response = await self.client.post(WEBHOOK_PATH, json=update, headers=headers)
        return response.status

    async def settled(self) -> None:
        """Wait until every stored update has been processed."""

        async def pending() -> int:
            async with self.services.database.unit_of_work() as store:
                counts = await store.intake.counts("telegram")
            return counts.get("pending", 0)

        for _ in range(750):
            if await pending() == 0:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("updates still pending")

    async def replies_after(self, count: int, *updates: dict[str, Any]) -> list[str]:
        """Deliver updates, wait for the bot to answer, return the new texts."""
        before = len(self.fake.texts())
        await self.deliver(*updates)
        await eventually(lambda: len(self.fake.texts()) >= before + count)
        await self.settled()
        return self.fake.texts()[before:]


@pytest.fixture
async def fake_telegram(aiohttp_server: Any) -> FakeTelegram:
    """The fake Bot API, listening on 127.0.0.1 on a free port."""
    fake = FakeTelegram()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    """How Telegram reaches HueBot in this run."""
    return str(request.param)


def channel_settings(services: Services, fake: FakeTelegram, webhook: bool) -> Any:
    """config.yml's telegram section pointed at the fake, resolved as `huebot run` does."""
    config = TelegramConfig(
        webhook_url=WEBHOOK_URL if webhook else None,
        api_base_url=fake.api_url,
        api_file_url=fake.file_url,
        polling_timeout_seconds=1,
        album_wait_seconds=1,
    )
    settings = services.runtime.settings
    channels = settings.channels.model_copy(update={"telegram": config})
    runtime = dataclasses.replace(
        services.runtime,
        settings=settings.model_copy(update={"channels": channels}),
        telegram_token=TOKEN,
    )
    return telegram_settings(runtime, {"TELEGRAM_WEBHOOK_SECRET": SECRET})


@pytest.fixture
async def telegram(
    mode: str, services: Services, fake_telegram: FakeTelegram, clock: FakeClock,
    aiohttp_client: Any,
) -> AsyncIterator[Telegram]:  # fmt: skip
    """HueBot's Telegram channel, started, in the test's mode."""
    sleeps = Sleeps()
    settings = channel_settings(services, fake_telegram, mode == "webhook")
    channel = TelegramChannel(services, settings, clock=clock, sleep=sleeps, tick=0.05)
    client = await aiohttp_client(build_app(services, channel)) if mode == "webhook" else None
    await channel.start()
    await eventually(channel.ready.is_set)
    yield Telegram(fake_telegram, channel, services, clock, sleeps, client)
    await channel.stop()


@pytest.fixture
def citizen(fake_telegram: FakeTelegram) -> Citizen:
    """A citizen in a private chat with the bot."""
    return Citizen(fake_telegram)


@pytest.fixture
async def scratch(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Database]:
    """An empty store of its own (a file, or a schema of its own on PostgreSQL)."""
    if store_kind == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'scratch.db'}")
        yield database
        await database.dispose()
        return
    url, _ = request.getfixturevalue("postgres_schema")
    schema = f"scratch_{uuid.uuid4().hex[:10]}"
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    database = Database(url, schema=schema)
    yield database
    await database.dispose()
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    await admin.dispose()
