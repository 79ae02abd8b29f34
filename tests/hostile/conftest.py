"""One app as `huebot run` serves it: web chat, Telegram webhook and Zalo webhook together.

Telegram and Zalo are the real channels, pointed at the fake servers on 127.0.0.1; the
test client speaks real HTTP to the app, so chunked bodies are really chunked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, build_app
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.zalo.channel import ZaloChannel
from tests.channels.conftest import Sleeps, channel_settings
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram, eventually
from tests.support.fake_zalo import FakeZalo, serve_fake, zalo_settings_for


@dataclasses.dataclass
class Hostile:
    """The running app, its channels, and the fakes behind them."""

    client: TestClient
    services: Services
    telegram: TelegramChannel
    zalo: ZaloChannel
    fake_telegram: FakeTelegram
    fake_zalo: FakeZalo


@pytest.fixture
async def fake_telegram(aiohttp_server: Any) -> FakeTelegram:
    """The fake Bot API on 127.0.0.1."""
    fake = FakeTelegram()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def fake_zalo(aiohttp_server: Any) -> FakeZalo:
    """The fake Zalo servers on 127.0.0.1."""
    return await serve_fake(aiohttp_server)


@pytest.fixture
async def hostile(
    services: Services, fake_telegram: FakeTelegram, fake_zalo: FakeZalo, clock: FakeClock,
    aiohttp_client: Any,
) -> AsyncIterator[Hostile]:  # fmt: skip
    """Every public route of the app, with both messenger channels started."""
    settings = channel_settings(services, fake_telegram, webhook=True)
    telegram = TelegramChannel(services, settings, clock=clock, sleep=Sleeps(), tick=0.05)
    zalo = ZaloChannel(services, zalo_settings_for(services, fake_zalo), clock=clock, tick=0.05)
    client: TestClient = await aiohttp_client(build_app(services, telegram, zalo))
    assert (await client.get("/")).status == 200  # the chat cookie
    await telegram.start()
    await zalo.start()
    await eventually(telegram.ready.is_set)
    await eventually(zalo.ready.is_set)
    yield Hostile(client, services, telegram, zalo, fake_telegram, fake_zalo)
    await zalo.stop()
    await telegram.stop()
