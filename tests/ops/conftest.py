"""The dashboard under test: HueBot's whole app, served on 127.0.0.1, on both stores.

Map tiles point at a closed port on 127.0.0.1, so they fail to load (the page's plain
background case) and nothing leaves the machine.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, build_app
from tests.support.clock import FakeClock

DEAD_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"


def with_ops(services: Services, **changes: Any) -> Services:
    """The services with config.yml's ``ops`` (and server) settings changed for a test."""
    settings = services.runtime.settings
    ops = settings.ops.model_copy(update={"tile_url": DEAD_TILES, **changes})
    server = settings.server.model_copy(update={"public_url": "http://huebot.test"})
    runtime = dataclasses.replace(
        services.runtime, settings=settings.model_copy(update={"ops": ops, "server": server})
    )
    return dataclasses.replace(services, runtime=runtime)


@pytest.fixture
def ops_services(services: Services) -> Services:
    """HueBot's services with the test's dashboard settings."""
    return with_ops(services)


@pytest.fixture
async def client(ops_services: Services, aiohttp_client: Any) -> TestClient:
    """An HTTP client for the whole app."""
    return await aiohttp_client(build_app(ops_services))


@pytest.fixture
def now(clock: FakeClock) -> Any:
    """The fake clock's time."""
    return clock()


@pytest.fixture
async def fake_telegram(aiohttp_server: Any) -> Any:
    """The fake Bot API, listening on 127.0.0.1 on a free port."""
    from tests.support.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake
