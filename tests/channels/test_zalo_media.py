"""Images citizens send on Zalo arrive as links: downloaded with size and type limits.

The links point at the fake CDN on 127.0.0.1 (the network tripwire refuses anything else).
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.http import Http
from bot.channels.zalo import ZaloSettings
from bot.channels.zalo.client import ZaloClient
from handlers import PhotoProblem
from tests.support.fake_zalo import FakeZalo, serve_fake
from tests.support.images import jpeg

LIMIT = 50_000


@pytest.fixture
async def fake_zalo(aiohttp_server: Any) -> FakeZalo:
    return await serve_fake(aiohttp_server)


@pytest.fixture
async def client(fake_zalo: FakeZalo) -> Any:
    settings = ZaloSettings("1", "s", "k", "r", api_base_url=fake_zalo.base_url, http_media=True)
    http = Http()
    yield ZaloClient(settings, http, keeper=None)  # type: ignore[arg-type]
    await http.close()


async def test_a_photo_within_the_limit_is_downloaded(client: ZaloClient, fake_zalo: FakeZalo):
    photo = jpeg((200, 100))
    assert await client.download(fake_zalo.host(photo), LIMIT) == photo


async def test_a_photo_over_the_limit_is_refused(client: ZaloClient, fake_zalo: FakeZalo):
    big = jpeg((1600, 1200)) + b"\0" * LIMIT
    assert await client.download(fake_zalo.host(big), LIMIT) is PhotoProblem.TOO_LARGE


async def test_a_page_that_is_not_an_image_is_refused(client: ZaloClient, fake_zalo: FakeZalo):
    link = fake_zalo.host(b"<html>login</html>", "text/html")
    assert await client.download(link, LIMIT) is PhotoProblem.UNSUPPORTED


async def test_a_dead_link_is_a_broken_photo(client: ZaloClient, fake_zalo: FakeZalo):
    assert await client.download(f"{fake_zalo.base_url}/cdn/gone", LIMIT) is PhotoProblem.CORRUPT


async def test_only_https_links_are_followed_outside_tests(fake_zalo: FakeZalo):
    settings = ZaloSettings("1", "s", "k", "r", api_base_url=fake_zalo.base_url)
    client = ZaloClient(settings, Http(), keeper=None)  # type: ignore[arg-type]
    assert await client.download(fake_zalo.host(jpeg()), LIMIT) is PhotoProblem.UNSUPPORTED
    assert not [call for call in fake_zalo.calls if call.path == "/cdn"]
